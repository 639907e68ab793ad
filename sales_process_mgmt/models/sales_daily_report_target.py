from odoo import api, fields, models

from ..lib.rates import rate
from ..lib.targets import METRICS


class SalesDailyReportTarget(models.Model):
    """The achievement of one of the salesperson's monthly targets on the day
    of a daily report and for the month to date, as prefilled (see
    ``sales.daily.report._prefill``)."""

    _name = "sales.daily.report.target"
    _inherit = ["sales.input.mixin"]
    _description = "Daily Report Target Achievement"
    _order = "report_id, metric"

    report_id = fields.Many2one("sales.daily.report", required=True, ondelete="cascade",
                                index=True)
    target_line_id = fields.Many2one("sales.target.line", string="Target",
                                     ondelete="set null")
    metric = fields.Selection(METRICS, required=True)
    month_target = fields.Float(string="Month's Target")
    day_target = fields.Float(string="Today's Share",
                              help="The month's target over its working days.")
    day_actual = fields.Float(string="Today")
    day_rate = fields.Float(string="Today (%)", compute="_compute_rates", digits=(16, 1))
    month_actual = fields.Float(string="Month to Date")
    month_rate = fields.Float(string="Month to Date (%)", compute="_compute_rates", digits=(16, 1),
                              help="Month to date over the month's target.")
    expected_rate = fields.Float(string="Expected (%)",
                                 help="The share of the month's working days elapsed.")

    @api.depends("day_target", "day_actual", "month_target", "month_actual")
    def _compute_rates(self):
        for line in self:
            line.day_rate = rate(line.day_actual, line.day_target)
            line.month_rate = rate(line.month_actual, line.month_target)
