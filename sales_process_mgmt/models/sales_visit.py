from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.base.ir.ir_model import MODULE_UNINSTALL_FLAG

from ..lib import dates
from ..lib.text import is_blank
from .orm_tools import check_input

PURPOSES = [
    ("new_customer", "Develop a New Customer"),
    ("market_research", "Market Research"),
    ("collection", "Collection"),
    ("service", "Service"),
    ("complaint", "Complaint Handling"),
    ("order", "Order Taking"),
    ("other", "Other"),
]
VISIT_STATES = [("todo", "To Do"), ("done", "Done"), ("missed", "Not Done")]
# What the approved plan fixes; the rest of a visit is its result.
PLANNING_FIELDS = {"plan_id", "partner_id", "lead_id", "order_id", "area", "planned_start",
                   "planned_stop", "start_time", "stop_time", "purpose"}


class SalesVisit(models.Model):
    """One customer visit of a visit plan: what was planned (customer, area,
    time, purpose) and what came of it (done or not, actual time, outcome,
    orders, collections, opportunity progress, expenses).

    A visit is effective when it is done and an order, a collection or the
    progress of an opportunity came of it.  "Detect results" finds these in
    Odoo: the salesperson's orders confirmed for the customer on the day of
    the visit, the customer's payments of that day, and the customer's
    opportunities of the salesperson that changed stage that day.
    """

    _name = "sales.visit"
    _inherit = ["sales.input.mixin"]
    _description = "Customer Visit"
    _order = "planned_start, id"

    plan_id = fields.Many2one("sales.visit.plan", string="Visit Plan", required=True,
                              ondelete="cascade", index=True)
    plan_state = fields.Selection(related="plan_id.state", string="Plan State",
                                  readonly=True)
    user_id = fields.Many2one(related="plan_id.user_id", store=True, readonly=True,
                              index=True, string="Salesperson")
    team_id = fields.Many2one(related="plan_id.team_id", store=True, readonly=True,
                              string="Team")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    date = fields.Date(related="plan_id.date", store=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True,
        help="The customer or prospect visited; for a lead without a customer yet, "
             "set the lead instead.")
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity", index=True)
    order_id = fields.Many2one("sale.order", string="Quotation",
                               domain="[('partner_id', 'child_of', partner_id)]")
    area = fields.Char(help="The area or district of the visit.")
    planned_start = fields.Datetime(required=True)
    planned_stop = fields.Datetime(required=True)
    start_time = fields.Float(
        string="From", compute="_compute_times", inverse="_inverse_times",
        help="The planned start, as a time of the plan's day (09:30).")
    stop_time = fields.Float(
        string="To", compute="_compute_times", inverse="_inverse_times",
        help="The planned end, as a time of the plan's day (10:30).")
    purpose = fields.Selection(PURPOSES, required=True, default="order")
    note = fields.Text(string="Notes")
    planned = fields.Boolean(
        default=True, readonly=True,
        help="Cleared for a visit added to the plan after its approval.")
    state = fields.Selection(VISIT_STATES, string="Result", default="todo", required=True,
                             index=True)
    missed_reason = fields.Char(string="Why Not Done")
    actual_start = fields.Datetime()
    actual_stop = fields.Datetime()
    outcome = fields.Text()
    order_ids = fields.Many2many(
        "sale.order", "sales_visit_sale_order_rel", "visit_id", "order_id",
        string="Orders Obtained", domain="[('partner_id', 'child_of', partner_id)]")
    payment_ids = fields.Many2many(
        "account.payment", "sales_visit_account_payment_rel", "visit_id", "payment_id",
        string="Collections Obtained",
        domain="[('partner_id', 'child_of', partner_id), ('payment_type', '=', 'inbound')]")
    lead_progress = fields.Boolean(string="Opportunity Progressed")
    is_effective = fields.Boolean(
        string="Effective", compute="_compute_is_effective", store=True,
        help="Done, and an order, a collection or an opportunity's progress came of it.")
    expense_ids = fields.One2many("sales.visit.expense", "visit_id", string="Expenses")
    expense_amount = fields.Monetary(compute="_compute_expense_amount", store=True,
                                     string="Expenses")
    order_amount = fields.Monetary(compute="_compute_result_amounts",
                                   string="Orders Amount")
    collection_amount = fields.Monetary(compute="_compute_result_amounts",
                                        string="Collected")

    # A request sent again (a client retrying after its answer was lost, two
    # workers answering the same request) must not add a visit twice; two
    # requests at the same moment meet at this index too.
    _sql_constraints = [
        ("plan_customer_start_unique", "UNIQUE(plan_id, partner_id, planned_start)",
         "The plan already has a visit to this customer at this time: open that visit "
         "instead of adding it again."),
    ]

    @api.depends("state", "order_ids", "payment_ids", "lead_progress")
    def _compute_is_effective(self):
        for visit in self:
            visit.is_effective = visit.state == "done" and bool(
                visit.order_ids or visit.payment_ids or visit.lead_progress)

    @api.depends("planned_start", "planned_stop", "user_id")
    def _compute_times(self):
        for visit in self:
            tz_name = visit._tz_name()
            for moment, name in ((visit.planned_start, "start_time"),
                                 (visit.planned_stop, "stop_time")):
                visit[name] = dates.local_hours(
                    tz_name, fields.Datetime.from_string(moment)) if moment else 0.0

    def _inverse_times(self):
        for visit in self:
            visit.write(visit.plan_id._visit_times(visit.start_time, visit.stop_time))

    @api.depends("expense_ids.amount")
    def _compute_expense_amount(self):
        for visit in self:
            visit.expense_amount = sum(visit.expense_ids.mapped("amount"))

    @api.depends("order_ids.amount_untaxed", "payment_ids.amount")
    def _compute_result_amounts(self):
        for visit in self:
            currency = visit.currency_id
            visit.order_amount = sum(
                order.currency_id.compute(order.amount_untaxed, currency)
                for order in visit.order_ids if order.state in ("sale", "done"))
            # sudo: salespeople have no access to payments (accounting); they
            # see the amount their visit collected.
            visit.collection_amount = sum(
                payment.currency_id.compute(payment.amount, currency)
                for payment in visit.sudo().payment_ids)

    def _visited(self):
        """Whom the visit is for: the customer, else the lead."""
        return self.partner_id.display_name or self.lead_id.partner_name or \
            self.lead_id.name or ""

    def name_get(self):
        return [(visit.id, "%s %s" % (visit._visited(), visit.date or "")) for visit in self]

    @api.onchange("lead_id")
    def _onchange_lead_id(self):
        if self.lead_id.partner_id and not self.partner_id:
            self.partner_id = self.lead_id.partner_id

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id
        if partner and not self.area:
            self.area = ", ".join(filter(None, [partner.city, partner.state_id.name]))

    @api.onchange("planned_start")
    def _onchange_planned_start(self):
        if self.planned_start and (not self.planned_stop
                                   or self.planned_stop <= self.planned_start):
            self.planned_stop = fields.Datetime.to_string(
                fields.Datetime.from_string(self.planned_start) + timedelta(hours=1))

    # ------------------------------------------------------------------ checks

    def _tz_name(self):
        return self.user_id._sales_tz_name(self.company_id)

    def _local_date(self, value):
        """The local date, in the salesperson's time zone, of a UTC datetime."""
        return dates.local_date(self._tz_name(), fields.Datetime.from_string(value))

    # plan_id is in every create: the rule holds even when neither customer
    # nor lead is sent.
    @api.constrains("plan_id", "partner_id", "lead_id")
    def _check_visited(self):
        # sudo: a constraint checks the record whoever writes it.
        for visit in self.sudo():
            if not (visit.partner_id or visit.lead_id):
                raise ValidationError(_("Say whom the visit is for: a customer or a "
                                        "lead/opportunity."))

    @api.constrains("plan_id", "planned_start", "planned_stop", "actual_start", "actual_stop")
    def _check_times(self):
        # sudo: a constraint checks the record whoever writes it (the stored
        # related fields the rules filter on may not be written yet).
        for visit in self.sudo():
            if visit.planned_stop <= visit.planned_start:
                raise ValidationError(_("The visit to %s cannot end before it starts.")
                                      % visit._visited())
            if visit.actual_start and visit.actual_stop and \
                    visit.actual_stop < visit.actual_start:
                raise ValidationError(_("The visit to %s cannot have ended before it "
                                        "started.") % visit._visited())
            if visit._local_date(visit.planned_start) != \
                    fields.Date.from_string(visit.plan_id.date):
                raise ValidationError(_("The visit to %(partner)s is planned on another "
                                        "day than its plan (%(date)s).")
                                      % {"partner": visit._visited(),
                                         "date": visit.plan_id.date})

    @api.constrains("state", "missed_reason")
    def _check_missed_reason(self):
        # sudo: a constraint checks the record whoever writes it (the stored
        # related fields the rules filter on may not be written yet).
        for visit in self.sudo().filtered(lambda visit: visit.state == "missed"):
            if not (visit.missed_reason or "").strip():
                raise ValidationError(_("Say why the visit to %s was not done.")
                                      % visit._visited())

    def _reports_frozen(self):
        """The visits whose day's daily report is no longer a draft."""
        if not self:
            return self
        # sudo: the report decides, whoever may read it.
        reports = self.env["sales.daily.report"].sudo().search([
            ("user_id", "in", self.mapped("user_id").ids),
            ("date", "in", list(set(self.mapped("date")))),
            ("state", "!=", "draft"),
        ])
        frozen = {(report.user_id.id, report.date) for report in reports}
        return self.filtered(lambda visit: (visit.user_id.id, visit.date) in frozen)

    @api.model
    def create(self, values):
        check_input(self, values)
        plan = self.env["sales.visit.plan"].browse(values.get("plan_id"))
        if "planned_start" not in values and values.get("start_time") is not None and plan:
            # The plan's visit table gives times of the plan's day: the stored
            # moments are needed before the record exists.
            values.update(plan._visit_times(values["start_time"], values.get("stop_time")))
        if not values.get("planned_start"):
            raise UserError(_("Say when the visit is planned."))
        if plan.state == "submitted":
            raise UserError(_("The plan of %s is waiting for approval: wait for it, or "
                              "ask for it back, before adding a visit.") % plan.date)
        if plan.state == "approved":
            values["planned"] = False
        visit = super(SalesVisit, self).create(values)
        if visit._reports_frozen():
            raise UserError(_("The daily report of %s is submitted: its visits can no "
                              "longer change.") % visit.date)
        return visit

    @api.multi
    def write(self, values):
        check_input(self, values)
        locked = self.filtered(lambda visit: visit.planned and visit.plan_id.state != "draft")
        changed = PLANNING_FIELDS & set(values)
        if locked and changed:
            raise UserError(_("The plan of %s is no longer a draft: its visits keep what "
                              "was planned; record the results, or add an unplanned "
                              "visit.") % locked[0].date)
        if self._reports_frozen():
            raise UserError(_("The daily report of %s is submitted: its visits can no "
                              "longer change.") % self._reports_frozen()[0].date)
        return super(SalesVisit, self).write(values)

    @api.multi
    def unlink(self):
        if self.env.context.get(MODULE_UNINSTALL_FLAG):
            return super(SalesVisit, self).unlink()
        locked = self.filtered(lambda visit: visit.planned and visit.plan_id.state != "draft")
        if locked:
            raise UserError(_("The plan of %s is no longer a draft: a planned visit cannot "
                              "be deleted; record it as not done with the reason.")
                            % locked[0].date)
        if self._reports_frozen():
            raise UserError(_("The daily report of %s is submitted: its visits can no "
                              "longer change.") % self._reports_frozen()[0].date)
        return super(SalesVisit, self).unlink()

    # ----------------------------------------------------------------- results

    @api.multi
    def action_done(self):
        for visit in self.filtered(lambda visit: visit.state != "done"):
            values = {"state": "done"}
            if not visit.actual_start:
                values.update(actual_start=visit.planned_start,
                              actual_stop=visit.actual_stop or visit.planned_stop)
            visit.write(values)
        self.action_detect_results()
        return True

    @api.multi
    def action_missed(self, reason):
        """Record these visits as not done, for ``reason``."""
        if is_blank(reason):
            raise UserError(_("Say why the visit was not done."))
        self.write({"state": "missed", "missed_reason": reason.strip()})
        return True

    @api.multi
    def action_open_missed(self):
        """Ask for the reason, then record the visit as not done."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Not Done"),
            "res_model": "sales.visit.missed",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    @api.multi
    def action_reset(self):
        self.write({"state": "todo", "missed_reason": False})
        return True

    @api.multi
    def action_detect_results(self):
        """Link each done visit to what came of it in Odoo (see the class).

        Three searches for any number of visits (``_find_results``); links
        are only added, never removed, so what the salesperson linked by hand
        stays (``_prepare_result_values``).
        """
        visits = self.filtered(lambda visit: visit.state == "done")
        if not visits:
            return True
        found = visits._find_results()
        for visit in visits:
            values = visit._prepare_result_values(found)
            if values:
                visit.write(values)
        return True

    def _result_key(self, partner, user, moment=None, day=None):
        return (partner.commercial_partner_id.id, user.id,
                day or self[:1]._local_date(moment))

    def _find_results(self):
        """{"orders": {(customer, salesperson, day): order ids},
        "payments": {(customer, day): payment ids}, "leads": {lead ids that
        changed stage on the day of their visit}, "progress": {(customer,
        salesperson, day)}} for these done visits, in three searches."""
        first_day = fields.Date.from_string(min(self.mapped("date")))
        last_day = fields.Date.from_string(max(self.mapped("date")))
        date_from, date_to = (fields.Datetime.to_string(moment) for moment in
                              dates.local_day_bounds(self[:1]._tz_name(), first_day, last_day))
        partners = self.mapped("partner_id.commercial_partner_id")
        users = self.mapped("user_id")
        # sudo: a salesperson's visit may be paid through a payment or an
        # opportunity the salesperson cannot read; only links are written.
        orders = self.env["sale.order"].sudo().search([
            ("partner_id", "child_of", partners.ids), ("user_id", "in", users.ids),
            ("state", "in", ("sale", "done")),
            ("date_order", ">=", date_from), ("date_order", "<", date_to),
        ])
        payments = self.env["account.payment"].sudo().search([
            ("partner_id", "child_of", partners.ids), ("payment_type", "=", "inbound"),
            ("state", "in", ("posted", "sent", "reconciled")),
            ("payment_date", ">=", min(self.mapped("date"))),
            ("payment_date", "<=", max(self.mapped("date"))),
        ])
        leads = self.env["crm.lead"].sudo().search([
            "|", ("id", "in", self.mapped("lead_id").ids),
            "&", ("partner_id", "child_of", partners.ids), ("user_id", "in", users.ids),
            ("date_last_stage_update", ">=", date_from),
            ("date_last_stage_update", "<", date_to),
            ("create_date", "<", date_from),
        ])
        found = {"orders": defaultdict(set), "payments": defaultdict(set),
                 "leads": set(), "progress": set()}
        for order in orders:
            found["orders"][self._result_key(order.partner_id, order.user_id,
                                             order.date_order)].add(order.id)
        for payment in payments:
            found["payments"][(payment.partner_id.commercial_partner_id.id,
                               fields.Date.from_string(payment.payment_date))].add(payment.id)
        for lead in leads:
            day = self[:1]._local_date(lead.date_last_stage_update)
            found["leads"].add((lead.id, day))
            if lead.partner_id:
                found["progress"].add(self._result_key(lead.partner_id, lead.user_id, day=day))
        return found

    def _prepare_result_values(self, found):
        """The links to add to this done visit from what ``_find_results`` found."""
        day = fields.Date.from_string(self.date)
        key = self._result_key(self.partner_id, self.user_id, day=day)
        values = {}
        if self.partner_id and found["orders"].get(key):
            values["order_ids"] = [(4, order_id) for order_id in sorted(found["orders"][key])]
        paid = found["payments"].get((key[0], day))
        if self.partner_id and paid:
            values["payment_ids"] = [(4, payment_id) for payment_id in sorted(paid)]
        if not self.lead_progress and (
                (self.lead_id and (self.lead_id.id, day) in found["leads"])
                or (self.partner_id and key in found["progress"])):
            values["lead_progress"] = True
        return values

    @api.multi
    def action_open_form(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Visit"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
