from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_report_deadline = fields.Float(
        related="company_id.sales_report_deadline", readonly=False)
    sales_missing_report_days = fields.Integer(
        related="company_id.sales_missing_report_days", readonly=False)
