from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import dates, geo

# The check-in and check-out facts: written by action_check_in and
# action_check_out only, never sent by a client.
CHECK_FIELDS = frozenset({
    "check_in_at", "check_in_latitude", "check_in_longitude", "check_in_accuracy",
    "check_in_located", "check_in_measured", "check_in_distance", "check_in_far",
    "check_in_off_time", "check_in_flagged",
    "check_out_at", "check_out_latitude", "check_out_longitude", "check_out_accuracy",
    "check_out_located", "check_out_measured", "check_out_distance",
})
# The context value that lets the check-in methods write CHECK_FIELDS: an
# object no JSON request can carry.
_CHECKING = object()
# What the check-in's distance and flags were measured against: fixed once a
# visit is checked in (the local start and stop times write these).
CHECKED_PLAN_FIELDS = ("partner_id", "lead_id", "planned_start", "planned_stop")
# The longest check-in tolerance taken into account, in minutes (a day), as
# the company's settings allow (see res.company).
MAX_TOLERANCE = 1440


class SalesVisit(models.Model):
    """The check-in on site of a visit (签到/签退): on a phone, the web client
    sends the browser's location (when the user allows it) to
    ``action_check_in`` and ``action_check_out``; the server records the
    time, computes the distance to the customer's coordinates (haversine)
    and flags a check-in far from the customer, out of the planned time or
    without location, for the supervisor."""

    _inherit = "sales.visit"

    check_in_at = fields.Datetime(string="Checked In", readonly=True, copy=False)
    check_in_latitude = fields.Float(digits=(10, 7), readonly=True, copy=False)
    check_in_longitude = fields.Float(digits=(10, 7), readonly=True, copy=False)
    check_in_accuracy = fields.Float(
        string="Check-in Accuracy (m)", digits=(16, 0), readonly=True, copy=False,
        help="How far, in metres, the browser says the check-in's location may be off.")
    check_in_located = fields.Boolean(
        string="Check-in Located", readonly=True, copy=False,
        help="The browser gave the location of the check-in (the user allowed it).")
    check_in_measured = fields.Boolean(
        string="Check-in Distance Measured", readonly=True, copy=False,
        help="The check-in had a location and the customer coordinates.")
    check_in_distance = fields.Float(
        string="Check-in Distance (m)", digits=(16, 0), readonly=True, copy=False,
        help="From the check-in's location to the customer's coordinates, in metres, "
             "computed by the server.")
    check_in_far = fields.Boolean(
        string="Checked In Far", readonly=True, copy=False,
        help="Checked in farther from the customer than the company allows.")
    check_in_off_time = fields.Boolean(
        string="Checked In out of Time", readonly=True, copy=False,
        help="Checked in before the planned start or after the planned end, beyond the "
             "company's tolerance.")
    check_in_flagged = fields.Boolean(
        string="Check-in Flagged", compute="_compute_check_in_flagged", store=True,
        index=True,
        help="Checked in far from the customer, out of the planned time or without "
             "location: the supervisor looks at it.")
    check_in_flag_reason = fields.Char(
        string="Why Flagged", compute="_compute_check_in_flag_reason")
    check_in_map_url = fields.Char(string="Check-in on the Map",
                                   compute="_compute_check_map_urls")
    check_in_photo = fields.Image(
        string="Check-in Photo", max_width=1920, max_height=1920, copy=False,
        help="A photo taken on site with the phone's camera (the shop front, the shelf).")
    check_out_at = fields.Datetime(string="Checked Out", readonly=True, copy=False)
    check_out_latitude = fields.Float(digits=(10, 7), readonly=True, copy=False)
    check_out_longitude = fields.Float(digits=(10, 7), readonly=True, copy=False)
    check_out_accuracy = fields.Float(
        string="Check-out Accuracy (m)", digits=(16, 0), readonly=True, copy=False)
    check_out_located = fields.Boolean(string="Check-out Located", readonly=True, copy=False)
    check_out_measured = fields.Boolean(string="Check-out Distance Measured", readonly=True,
                                        copy=False)
    check_out_distance = fields.Float(string="Check-out Distance (m)", digits=(16, 0),
                                      readonly=True, copy=False)
    check_out_map_url = fields.Char(string="Check-out on the Map",
                                    compute="_compute_check_map_urls")

    @api.depends("check_in_at", "check_in_located", "check_in_far", "check_in_off_time")
    def _compute_check_in_flagged(self):
        for visit in self:
            visit.check_in_flagged = bool(visit.check_in_at) and (
                not visit.check_in_located or visit.check_in_far or visit.check_in_off_time)

    @api.depends("check_in_flagged", "check_in_distance", "check_in_at")
    def _compute_check_in_flag_reason(self):
        """In the reader's language, from the stored facts."""
        for visit in self:
            reasons = []
            if visit.check_in_at and not visit.check_in_located:
                reasons.append(self.env._("checked in without location"))
            if visit.check_in_far:
                reasons.append(self.env._("checked in %s from the customer",
                                          geo.format_distance(visit.check_in_distance)))
            if visit.check_in_off_time:
                reasons.append(self.env._(
                    "checked in at %(time)s, planned %(start)s-%(stop)s",
                    time=visit._check_in_clock(),
                    start=visit._local_clock(visit.planned_start),
                    stop=visit._local_clock(visit.planned_stop)))
            visit.check_in_flag_reason = "; ".join(reasons) or False

    @api.depends("check_in_located", "check_out_located", "company_id")
    def _compute_check_map_urls(self):
        for visit in self:
            template = visit.company_id.sales_map_url or self.env.company.sales_map_url
            for prefix in ("check_in", "check_out"):
                url = False
                if template and visit[prefix + "_located"]:
                    url = template.replace(
                        "{lat}", "%.7f" % visit[prefix + "_latitude"]).replace(
                        "{lon}", "%.7f" % visit[prefix + "_longitude"])
                visit[prefix + "_map_url"] = url

    def _local_moment(self, moment):
        """The local naive datetime of the UTC ``moment`` for the salesperson
        (UTC itself at the ends of the calendar, where no offset fits)."""
        try:
            return dates.utc_to_local(self._tz_name(), moment)
        except OverflowError:
            return moment

    def _local_clock(self, moment):
        """"09:30": the local time of the UTC ``moment`` for the salesperson."""
        return self._local_moment(moment).strftime("%H:%M")

    def _check_in_clock(self):
        """The local time of the check-in, with its date ("2026-03-11 08:25")
        when it is not the day of the planned start."""
        local = self._local_moment(self.check_in_at)
        if local.date() != self._local_moment(self.planned_start).date():
            return local.strftime("%Y-%m-%d %H:%M")
        return local.strftime("%H:%M")

    # ------------------------------------------------------------- the guard

    @api.model_create_multi
    def create(self, vals_list):
        if any(CHECK_FIELDS & set(vals) for vals in vals_list):
            raise UserError(self.env._("A visit is checked in and out with its buttons only."))
        return super().create(vals_list)

    def write(self, vals):
        if CHECK_FIELDS & set(vals) and self.env.context.get("sales_checking") is not _CHECKING:
            raise UserError(self.env._("A visit is checked in and out with its buttons only."))
        checked = self._checked_in_changed(vals)
        if checked:
            raise UserError(self.env._(
                "The visit to %s is checked in: its customer, lead and planned times no "
                "longer change; add another visit instead.", checked[0]._visited()))
        return super().write(vals)

    def _checked_in_changed(self, vals):
        """The checked-in visits whose customer, lead or planned times
        ``vals`` would change: their distance and flags were measured
        against these."""
        names = [name for name in CHECKED_PLAN_FIELDS if name in vals]
        if not names:
            return self.browse()

        def changed(visit):
            for name in names:
                field = self._fields[name]
                value = field.convert_to_record(
                    field.convert_to_cache(vals[name], visit), visit)
                if value != visit[name]:
                    return True
            return False
        return self.filtered(lambda visit: visit.check_in_at and changed(visit))

    # --------------------------------------------------------------- actions

    def _check_may_check(self, check_out=False):
        """Refuse a check-in (a check-out) the user may not record: only the
        visit's salesperson or a sales director, not on a visit recorded as
        not done.  A plan waiting for approval takes check-ins, as it takes
        the visits' results: the salesperson is on the road before the
        supervisor approves."""
        self.ensure_one()
        user = self.env.user
        if not self.env.is_superuser() and user != self.user_id and \
                not user.has_group("sales_process_mgmt.group_director"):
            values = {"salesperson": self.user_id.name, "customer": self._visited()}
            if check_out:
                raise UserError(self.env._(
                    "Only %(salesperson)s, whose visit it is, can check out at %(customer)s.",
                    **values))
            raise UserError(self.env._(
                "Only %(salesperson)s, whose visit it is, can check in at %(customer)s.",
                **values))
        if self.state == "missed":
            raise UserError(self.env._(
                "The visit to %s is recorded as not done: set it back to To Do first.",
                self._visited()))

    def _place_values(self, prefix, latitude, longitude, accuracy, moment):
        """The values of a check-in or check-out (``prefix``) at ``moment``
        (UTC) at the browser's location, or without one when the browser gave
        none."""
        now = moment
        values = {prefix + "_at": now, prefix + "_located": False,
                  prefix + "_measured": False, prefix + "_distance": 0.0,
                  prefix + "_latitude": 0.0, prefix + "_longitude": 0.0,
                  prefix + "_accuracy": 0.0}
        if latitude is None and longitude is None:
            return values
        problem = geo.coordinate_problem(latitude, longitude, accuracy)
        if problem:
            raise UserError({
                "latitude": self.env._(
                    "The location's latitude must be a number from -90 to 90."),
                "longitude": self.env._(
                    "The location's longitude must be a number from -180 to 180."),
                "accuracy": self.env._(
                    "The location's accuracy must be a number of metres, not below zero."),
            }[problem])
        values.update({prefix + "_located": True, prefix + "_latitude": latitude,
                       prefix + "_longitude": longitude,
                       prefix + "_accuracy": accuracy or 0.0})
        customer = self._customer_place()
        if customer:
            values[prefix + "_measured"] = True
            values[prefix + "_distance"] = geo.haversine(latitude, longitude, *customer)
        return values

    def _check_in_values(self, moment, latitude=None, longitude=None, accuracy=None):
        """The values of a check-in at ``moment`` (UTC), with the flags of a
        check-in far from the customer or out of the planned time."""
        values = self._place_values("check_in", latitude, longitude, accuracy, moment)
        company = self.company_id
        values["check_in_far"] = values["check_in_measured"] and \
            values["check_in_distance"] > company.sales_check_in_distance
        # The tolerance moves the check-in's moment, never the planned times,
        # which may lie at the ends of the calendar.
        tolerance = timedelta(
            minutes=min(max(company.sales_check_in_tolerance, 0), MAX_TOLERANCE))
        values["check_in_off_time"] = not (
            self.planned_start <= moment + tolerance
            and moment - tolerance <= self.planned_stop)
        return values

    def _customer_place(self):
        """(latitude, longitude) of the visited customer, else of its company,
        or None when neither has coordinates."""
        # sudo: the coordinates of the visit's customer, whoever may read it.
        for partner in (self.partner_id.sudo(), self.partner_id.sudo().commercial_partner_id):
            if partner and (partner.partner_latitude or partner.partner_longitude):
                return partner.partner_latitude, partner.partner_longitude
        return None

    def _write_check(self, values):
        return self.with_context(sales_checking=_CHECKING).write(values)

    def action_check_in(self, latitude=None, longitude=None, accuracy=None):
        """Check in on site now, at the browser's location (decimal degrees,
        accuracy in metres) or without one; returns the message to show."""
        self.ensure_one()
        self._check_may_check()
        if self.check_in_at:
            raise UserError(self.env._(
                "The visit to %(customer)s was already checked in at %(time)s.",
                customer=self._visited(), time=self._local_clock(self.check_in_at)))
        values = self._check_in_values(fields.Datetime.now(), latitude, longitude, accuracy)
        if not self.actual_start:
            values["actual_start"] = values["check_in_at"]
        self._write_check(values)
        return self._check_message("check_in")

    def action_check_out(self, latitude=None, longitude=None, accuracy=None):
        """Check out now, after the check-in; see ``action_check_in``."""
        self.ensure_one()
        self._check_may_check(check_out=True)
        if not self.check_in_at:
            raise UserError(self.env._("Check in at %s before checking out.", self._visited()))
        if self.check_out_at:
            raise UserError(self.env._(
                "The visit to %(customer)s was already checked out at %(time)s.",
                customer=self._visited(), time=self._local_clock(self.check_out_at)))
        values = self._place_values("check_out", latitude, longitude, accuracy,
                                    fields.Datetime.now())
        if not self.actual_stop:
            values["actual_stop"] = values["check_out_at"]
        self._write_check(values)
        return self._check_message("check_out")

    def _check_message(self, prefix):
        """What the salesperson is told after a check-in or check-out."""
        values = {"time": self._local_clock(self[prefix + "_at"]),
                  "distance": geo.format_distance(self[prefix + "_distance"])}
        _ = self.env._
        if prefix == "check_in":
            if not self.check_in_located:
                message = _("Checked in at %(time)s without location: the browser gave none "
                            "(not allowed or not available).", **values)
            elif self.check_in_measured:
                message = _("Checked in at %(time)s, %(distance)s from the customer.", **values)
            else:
                message = _("Checked in at %(time)s: the customer has no coordinates to "
                            "measure the distance.", **values)
            if self.check_in_flagged:
                message += " " + _("Flagged for your supervisor: %s.",
                                   self.check_in_flag_reason)
            return message
        if not self.check_out_located:
            return _("Checked out at %(time)s without location: the browser gave none (not "
                     "allowed or not available).", **values)
        if self.check_out_measured:
            return _("Checked out at %(time)s, %(distance)s from the customer.", **values)
        return _("Checked out at %(time)s: the customer has no coordinates to measure the "
                 "distance.", **values)

    def action_open_check_in_map(self):
        """The place of the check-in on the deployment's map (a link set in
        the settings, see ``check_in_map_url``)."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.check_in_map_url, "target": "new"}

    def action_open_check_out_map(self):
        """The place of the check-out on the deployment's map."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.check_out_map_url, "target": "new"}
