from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import dates
from ..models.sales_visit import PURPOSES


def _tomorrow(wizard):
    today = fields.Date.from_string(fields.Date.context_today(wizard))
    return fields.Date.to_string(today + timedelta(days=1))


class SalesVisitSchedule(models.TransientModel):
    """*Plan a Visit* from a lead, an opportunity or a customer: the visit goes
    into the salesperson's plan of the chosen day, made when there is none; a
    visit added to an approved plan is an unplanned one.  A submitted plan
    (waiting for approval) or a past day is refused."""

    _name = "sales.visit.schedule"
    _inherit = ["sales.input.mixin"]
    _description = "Plan a Visit"

    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity")
    partner_id = fields.Many2one("res.partner", string="Customer")
    date = fields.Date(required=True, default=_tomorrow)
    start_time = fields.Float(string="From", required=True, default=9.0,
                              help="The local time the visit starts.")
    duration = fields.Float(required=True, default=1.0, help="In hours.")
    purpose = fields.Selection(PURPOSES, required=True, default="order")
    note = fields.Text(string="Notes")

    @api.model
    def _action_open(self, partner, lead=None):
        """The window of *Plan a Visit* for ``partner`` or ``lead`` (the buttons
        of the lead, the opportunity and the customer)."""
        return {
            "type": "ir.actions.act_window",
            "name": _("Plan a Visit"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": partner.id,
                        "default_lead_id": lead.id if lead else False},
        }

    @api.multi
    def action_confirm(self):
        """Add the visit to the plan of the day and open that plan."""
        self.ensure_one()
        if not (self.partner_id or self.lead_id):
            raise UserError(_("Choose the customer or the lead to visit."))
        if not 0 <= self.start_time < 24 or not 0 < self.duration <= 12:
            raise UserError(_("A visit starts between 00:00 and 24:00 and lasts at most "
                              "12 hours."))
        user = self.env.user
        tz_name = user._sales_tz_name()
        day = fields.Date.from_string(self.date)
        if day < dates.local_today(tz_name):
            raise UserError(_("%s is past: plan visits for today or a later day.") % self.date)
        plans = self.env["sales.visit.plan"]
        plan = plans.search([("user_id", "=", user.id), ("date", "=", self.date)], limit=1)
        if plan.state == "submitted":
            raise UserError(_("Your plan of %s is waiting for approval: wait for it, or ask "
                              "for it back, before adding a visit.") % self.date)
        if not plan:
            plan = plans.create({"date": self.date})
        start = dates.local_to_utc(tz_name, day, self.start_time)
        self.env["sales.visit"].create({
            "plan_id": plan.id,
            "partner_id": self.partner_id.id,
            "lead_id": self.lead_id.id,
            "purpose": self.purpose,
            "note": self.note,
            "planned_start": fields.Datetime.to_string(start),
            "planned_stop": fields.Datetime.to_string(start + timedelta(hours=self.duration)),
        })
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales.visit.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "target": "current",
        }
