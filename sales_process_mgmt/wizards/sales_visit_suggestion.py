from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import dates
from ..models.orm_tools import bulk_create
from ..models.sales_visit import PURPOSES

# The values of a suggestion line a row takes, with their default.
SUGGESTED = {"partner_id": False, "lead_id": False, "purpose": False, "reason": False,
             "amount_due": 0.0}


class SalesVisitSuggestion(models.TransientModel):
    """A visit *Suggest Visits* would propose to the current user today, as a
    row the block *Suggested Visits Today* of *My Day* can list.

    A board block lists the records of an action: the suggestions, computed
    from invoices, opportunities, complaints and visit classes, are written
    here for the user and the day each time the block reads them (its context
    has ``sales_refresh_suggestions``), then listed like any record.  Each
    user sees only the own rows (Odoo keeps a transient record to its creator).
    """

    _name = "sales.visit.suggestion"
    _inherit = ["sales.input.mixin"]
    _description = "Suggested Visit Today"
    _order = "sequence, id"

    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True,
                              ondelete="cascade")
    date = fields.Date(required=True)
    company_id = fields.Many2one("res.company", required=True)
    sequence = fields.Integer()
    name = fields.Char(string="Whom", required=True)
    partner_id = fields.Many2one("res.partner", string="Customer")
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity")
    purpose = fields.Selection(PURPOSES, required=True)
    reason = fields.Char(string="Why")
    amount_due = fields.Float(digits=(16, 2))

    @api.model
    def _refresh(self):
        """Replace the current user's suggestions by today's: those of *Suggest
        Visits* on today's plan (or on the plan the user would make today)."""
        user = self.env.user
        if not user.has_group("sales_process_mgmt.group_salesperson"):
            return
        # The user's day, as My Day's blocks read it (see board.board).
        day = fields.Date.to_string(dates.local_today(user._sales_tz_name()))
        company = user.company_id
        plan = self.env["sales.visit.plan"].search(
            [("user_id", "=", user.id), ("date", "=", day)], limit=1)
        found = self.env["sales.visit.suggest"]._suggestions_of(
            user, day, company, plan.visit_ids)
        self.search([("create_uid", "=", user.id)]).unlink()
        # The names read at once: a customer or lead of the salesperson may be
        # outside the user's rules (a lead shared with the team).
        partners = {partner.id: partner.display_name for partner in self.env[
            "res.partner"].sudo().browse([item["partner_id"] for item in found
                                          if item.get("partner_id")])}
        leads = {lead.id: lead.name for lead in self.env["crm.lead"].sudo().browse(
            [item["lead_id"] for item in found if item.get("lead_id")])}
        # One INSERT for the day's rows (Odoo 11 creates records one by one);
        # their create_uid is the user's, to whom a transient record belongs.
        bulk_create(self, [dict(
            {name: item.get(name, default) for name, default in SUGGESTED.items()},
            user_id=user.id, date=day, company_id=company.id, sequence=sequence,
            name=partners.get(item.get("partner_id")) or leads.get(item.get("lead_id")))
            for sequence, item in enumerate(found)])

    @api.model
    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None):
        """The list of a board block: the suggestions are computed first."""
        if self.env.context.get("sales_refresh_suggestions"):
            self._refresh()
        return super(SalesVisitSuggestion, self).search_read(
            domain=domain, fields=fields, offset=offset, limit=limit, order=order)

    @api.multi
    def action_add_to_plan(self):
        """Add this suggestion to the salesperson's plan of the day (created
        when there is none yet), after the visits already planned."""
        self.ensure_one()
        if self.user_id != self.env.user:
            raise UserError(_("Only %s adds this suggestion to the plan.")
                            % self.user_id.name)
        plans = self.env["sales.visit.plan"]
        plan = plans.search([("user_id", "=", self.user_id.id), ("date", "=", self.date)],
                            limit=1) or plans.create({"date": self.date})
        planned = plan.visit_ids.filtered(
            lambda visit: (self.partner_id and visit.partner_id == self.partner_id)
            or (self.lead_id and visit.lead_id == self.lead_id))
        if not planned:
            self.env["sales.visit.suggest"]._add_to_plan(plan, self)
        self.unlink()
        return {"type": "ir.actions.client", "tag": "reload"}
