from odoo import fields, models

from ..models.sales_visit import PURPOSES


class SalesVisitSuggestLine(models.TransientModel):
    """A visit *Suggest Visits* proposes: whom, why, and the purpose."""

    _name = "sales.visit.suggest.line"
    _inherit = ["sales.input.mixin"]
    _description = "Suggested Visit"

    wizard_id = fields.Many2one("sales.visit.suggest", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Add")
    partner_id = fields.Many2one("res.partner", string="Customer")
    lead_id = fields.Many2one("crm.lead", string="Lead/Opportunity")
    purpose = fields.Selection(PURPOSES, required=True)
    reason = fields.Char(string="Why")
    amount_due = fields.Float(digits=(16, 2))
