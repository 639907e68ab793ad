from odoo import fields, models
from odoo.exceptions import UserError

from ..lib.text import is_blank
from ..models.sales_daily_report import QUALITY_SCORES


class SalesDailyReportSignoff(models.TransientModel):
    """The supervisor's sign-off (批示) of the daily reports of its context
    (``active_ids``: the report of the form, or the reports selected in a
    list), in one dialog: a quality score and comments, then approve or
    return.  The salesperson is told both."""

    _name = "sales.daily.report.signoff"
    _inherit = ["sales.input.mixin"]
    _description = "Sign Off Daily Reports"

    def _default_reports(self):
        if self.env.context.get("active_model") != "sales.daily.report":
            return self.env["sales.daily.report"]
        return self.env["sales.daily.report"].browse(self.env.context.get("active_ids") or [])

    def _default_review(self, field):
        reports = self._default_reports()
        return reports[field] if len(reports) == 1 else False

    report_ids = fields.Many2many(
        "sales.daily.report", string="Daily Reports",
        default=lambda self: self._default_reports(), readonly=True)
    quality_score = fields.Selection(
        QUALITY_SCORES, default=lambda self: self._default_review("quality_score"),
        help="How complete, true and timely the report is; needed to approve.")
    comment = fields.Text(
        string="Comments", default=lambda self: self._default_review("review_comment"),
        help="What the salesperson reads with the approval; why, for a return.")

    def _reports(self):
        self.ensure_one()
        if not self.report_ids:
            raise UserError(self.env._("Select the daily reports to sign off."))
        self.report_ids._check_may_approve()
        return self.report_ids

    def _write_review(self, reports):
        values = {"review_comment": self.comment or False}
        if self.quality_score:
            values["quality_score"] = self.quality_score
        reports.write(values)

    def action_approve(self):
        reports = self._reports()
        if not self.quality_score:
            raise UserError(self.env._("Give a quality score to approve the report."))
        self._write_review(reports)
        reports.action_approve()
        return {"type": "ir.actions.act_window_close"}

    def action_return(self):
        reports = self._reports()
        if is_blank(self.comment):
            raise UserError(self.env._("Say in the comments why the report goes back to the "
                                       "salesperson."))
        self._write_review(reports)
        reports.action_return(self.comment)
        return {"type": "ir.actions.act_window_close"}
