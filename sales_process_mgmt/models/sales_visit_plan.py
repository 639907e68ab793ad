from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import dates


class SalesVisitPlan(models.Model):
    """A salesperson's visit plan of one day (每日拜访计划表), approved by the
    supervisor before the day's work (R4).

    Its lines are the visits.  Once approved, the plan is locked: the visits
    keep what was planned and only their results are recorded; a visit added
    afterwards is marked unplanned.
    """

    _name = "sales.visit.plan"
    _inherit = "sales.approval.mixin"
    _description = "Visit Plan"
    _sql_constraints = [
        ("user_date_unique", "UNIQUE(user_id, date)",
         "A salesperson has one visit plan per day: open the existing one."),
    ]

    visit_ids = fields.One2many("sales.visit", "plan_id", string="Visits", copy=False)
    visit_count = fields.Integer(compute="_compute_visit_counts", string="Planned Visits")
    done_count = fields.Integer(compute="_compute_visit_counts", string="Visits Done")
    note = fields.Text(string="Notes", readonly=True, states={"draft": [("readonly", False)]})

    @api.depends("visit_ids.state", "visit_ids.planned")
    def _compute_visit_counts(self):
        for plan in self:
            plan.visit_count = len(plan.visit_ids.filtered("planned"))
            plan.done_count = len(plan.visit_ids.filtered(lambda v: v.state == "done"))

    def _visit_times(self, start, stop=None):
        """The planned start and end of a visit at the times ``start`` and
        ``stop`` (hours, 9.5 for 09:30) of this plan's day, in the
        salesperson's time zone; an end missing or not after the start is an
        hour after it."""
        self.ensure_one()
        if start is None or start is False:
            return {}
        if not 0 <= start < 24 or (stop and not 0 < stop <= 24):
            raise UserError(_("A visit's times are hours of its day, from 00:00 to 24:00."))
        if not stop or stop <= start:
            stop = min(start + 1, 24)
        tz_name = self.user_id._sales_tz_name(self.company_id)
        day = fields.Date.from_string(self.date)
        return {"planned_start": fields.Datetime.to_string(dates.local_to_utc(tz_name, day, start)),
                "planned_stop": fields.Datetime.to_string(dates.local_to_utc(tz_name, day, stop))}

    def _document_label(self):
        return _("visit plan")

    def _document_title(self):
        return _("Visit Plan")

    @api.constrains("date")
    def _check_visit_days(self):
        """The visits stay on the plan's day when the plan's day changes."""
        self.mapped("visit_ids")._check_times()

    def _check_before_submit(self):
        if not self.visit_ids:
            raise UserError(_("Plan at least one visit before submitting the plan."))

    @api.multi
    def action_copy_unfinished(self):
        """Copy the visits of the salesperson's previous plan that were not done
        into this draft plan, at the same times of this plan's day."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("Visits can only be copied into a draft plan."))
        previous = self.search([("user_id", "=", self.user_id.id),
                                ("date", "<", self.date)], order="date desc", limit=1)
        unfinished = previous.visit_ids.filtered(lambda visit: visit.state != "done")
        if not unfinished:
            raise UserError(_("The previous plan has no unfinished visit to copy."))
        shift = fields.Date.from_string(self.date) - fields.Date.from_string(previous.date)
        for visit in unfinished:
            visit.copy({
                "plan_id": self.id,
                "planned_start": fields.Datetime.to_string(
                    fields.Datetime.from_string(visit.planned_start) + shift),
                "planned_stop": fields.Datetime.to_string(
                    fields.Datetime.from_string(visit.planned_stop) + shift),
                "note": visit.note if visit.state == "todo" else (
                    "%s\n%s" % (visit.note or "", visit.missed_reason or "")).strip(),
            })
        return True

    @api.multi
    def action_suggest_visits(self):
        """Open *Suggest Visits* on this plan."""
        self.ensure_one()
        action = self.env.ref("sales_process_mgmt.sales_visit_suggest_action").read()[0]
        action["context"] = {"active_id": self.id, "active_model": self._name}
        return action

    @api.multi
    def action_open_visits_calendar(self):
        self.ensure_one()
        action = self.env.ref("sales_process_mgmt.sales_visit_action").read()[0]
        action.update({
            "domain": [("plan_id", "=", self.id)],
            "view_mode": "calendar,tree,form",
            "context": {"default_plan_id": self.id, "initial_date": self.date},
        })
        action.pop("views", None)
        return action
