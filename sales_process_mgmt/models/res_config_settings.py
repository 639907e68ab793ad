from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_report_deadline = fields.Float(
        related="company_id.sales_report_deadline", readonly=False)
    sales_missing_report_days = fields.Integer(
        related="company_id.sales_missing_report_days", readonly=False)
    sales_escalation_hours = fields.Float(
        related="company_id.sales_escalation_hours", readonly=False)
    sales_director_id = fields.Many2one(
        related="company_id.sales_director_id", readonly=False)
    sales_coach_achievement_threshold = fields.Float(
        related="company_id.sales_coach_achievement_threshold", readonly=False)
    sales_coach_efficiency_threshold = fields.Float(
        related="company_id.sales_coach_efficiency_threshold", readonly=False)
    sales_coach_new_months = fields.Integer(
        related="company_id.sales_coach_new_months", readonly=False)
    sales_abnormal_weeks = fields.Integer(
        related="company_id.sales_abnormal_weeks", readonly=False)
    sales_visit_days_a = fields.Integer(related="company_id.sales_visit_days_a", readonly=False)
    sales_visit_days_b = fields.Integer(related="company_id.sales_visit_days_b", readonly=False)
    sales_visit_days_c = fields.Integer(related="company_id.sales_visit_days_c", readonly=False)
    sales_check_in_distance = fields.Integer(related="company_id.sales_check_in_distance",
                                             readonly=False)
    sales_check_in_tolerance = fields.Integer(related="company_id.sales_check_in_tolerance",
                                              readonly=False)
    sales_map_url = fields.Char(related="company_id.sales_map_url", readonly=False)
