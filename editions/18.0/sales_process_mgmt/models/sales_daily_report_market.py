from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib.text import first_line
from .orm_tools import check_input, check_not_blank
from .sales_market_report import MARKET_KINDS


class SalesDailyReportMarket(models.Model):
    """A line of market information in a daily report: what a salesperson
    heard or saw on the day's visits.  When it is serious enough, *File
    Report* turns it into a market situation or complaint report (R7)."""

    _name = "sales.daily.report.market"
    _inherit = ["sales.input.mixin"]
    _description = "Daily Report Market Information"
    _order = "report_id, id"

    report_id = fields.Many2one("sales.daily.report", required=True, ondelete="cascade",
                                index=True)
    kind = fields.Selection(MARKET_KINDS, required=True, default="competitor_promotion")
    partner_id = fields.Many2one("res.partner", string="Customer or Distributor")
    competitor_id = fields.Many2one("res.partner",
                                    domain="[('is_competitor', '=', True)]")
    product_id = fields.Many2one("product.product")
    description = fields.Text(required=True)
    market_report_id = fields.Many2one("sales.market.report",
                                       readonly=True, ondelete="set null")

    @api.constrains("description")
    def _check_description(self):
        check_not_blank(self, ["description"])

    def _check_draft(self, reports):
        if reports.filtered(lambda report: report.state != "draft"):
            raise UserError(self.env._("The daily report is submitted: its market information can "
                                       "no longer change; file a market report instead."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input(self, vals)
        self._check_draft(self.env["sales.daily.report"].browse(
            [vals.get("report_id") for vals in vals_list if vals.get("report_id")]))
        return super().create(vals_list)

    def write(self, vals):
        check_input(self, vals)
        if set(vals) - {"market_report_id"}:
            self._check_draft(self.report_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        self._check_draft(self.report_id)

    def action_file_report(self):
        """File a market report prefilled from this line, and open it."""
        self.ensure_one()
        if self.market_report_id:
            raise UserError(self.env._("A market report has already been filed from this line."))
        check_not_blank(self, ["description"])
        market_report = self.env["sales.market.report"].create(self._prepare_market_report())
        self.market_report_id = market_report
        return {
            "type": "ir.actions.act_window",
            "res_model": "sales.market.report",
            "res_id": market_report.id,
            "view_mode": "form",
            "target": "current",
        }

    def _prepare_market_report(self):
        """The values of the market report filed from this line."""
        report = self.report_id
        return {
            "title": first_line(self.description),
            "kind": self.kind,
            "partner_id": self.partner_id.id,
            "competitor_id": self.competitor_id.id,
            "product_id": self.product_id.id,
            "description": self.description,
            "date": report.date,
            "daily_report_id": report.id,
        }
