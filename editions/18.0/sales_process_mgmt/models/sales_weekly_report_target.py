from odoo import api, fields, models

from ..lib.rates import rate
from ..lib.targets import METRICS


class SalesWeeklyReportTarget(models.Model):
    """The team's achievement of one metric in a weekly report: the week
    against its share of the monthly targets, and the month to date."""

    _name = "sales.weekly.report.target"
    _inherit = ["sales.input.mixin"]
    _description = "Weekly Report Target Achievement"
    _order = "weekly_report_id, metric"

    weekly_report_id = fields.Many2one("sales.weekly.report", required=True,
                                       ondelete="cascade", index=True)
    metric = fields.Selection(METRICS, required=True)
    week_target = fields.Float(string="Week's Share of the Target")
    week_actual = fields.Float(string="Week")
    week_rate = fields.Float(string="Week (%)", compute="_compute_rates")
    month_target = fields.Float(string="Month's Target")
    month_actual = fields.Float(string="Month to Date")
    month_rate = fields.Float(string="Month to Date (%)", compute="_compute_rates")

    @api.depends("week_target", "week_actual", "month_target", "month_actual")
    def _compute_rates(self):
        for line in self:
            line.week_rate = rate(line.week_actual, line.week_target)
            line.month_rate = rate(line.month_actual, line.month_target)
