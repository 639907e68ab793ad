from odoo import api, fields, models


class SalesTargetDecomposeLine(models.TransientModel):
    """One part of a decomposition: the child's key, its weight and amount."""

    _name = "sales.target.decompose.line"
    _inherit = ["sales.input.mixin"]
    _description = "Part of a Sales Target Decomposition"
    _order = "date_from, id"

    wizard_id = fields.Many2one("sales.target.decompose", required=True, ondelete="cascade")
    date_from = fields.Date(string="Period Start")
    date_to = fields.Date(string="Period End")
    team_id = fields.Many2one("crm.team", string="Team / Region")
    user_id = fields.Many2one("res.users", string="Salesperson")
    partner_id = fields.Many2one("res.partner", string="Distributor",
                                 domain=[("is_distributor", "=", True)])
    categ_id = fields.Many2one("product.category", string="Product Category")
    weight = fields.Float(default=1.0, digits=(16, 4))
    amount = fields.Float(compute="_compute_amount", digits=(16, 2),
                          help="The parent's target split by weight, rounded so that the "
                               "parts add up to it exactly.")

    @api.depends("weight", "wizard_id.line_ids.weight")
    def _compute_amount(self):
        for wizard in self.mapped("wizard_id"):
            for line, amount in zip(wizard.line_ids, wizard._amounts()):
                line.amount = amount

    def _child_values(self):
        values = {}
        if self.date_from:
            values.update(date_from=self.date_from, date_to=self.date_to)
        for key in ("team_id", "user_id", "partner_id", "categ_id"):
            if self[key]:
                values[key] = self[key].id
        return values
