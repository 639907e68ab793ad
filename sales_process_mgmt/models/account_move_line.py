from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Indexed: the collections of the targets (sales_target_fact) join payments
    # to their journal items.
    payment_id = fields.Many2one(index=True)
