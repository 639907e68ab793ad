from odoo import fields, models

from ..lib import dates


class SalesWeeklyReportGenerate(models.TransientModel):
    """Makes (or refreshes) the weekly reports of a chosen week for every team,
    for a sales director (``sales.weekly.report.generate_week``)."""

    _name = "sales.weekly.report.generate"
    _inherit = ["sales.input.mixin"]
    _description = "Make the Weekly Reports of a Week"

    day = fields.Date(
        string="Week of", required=True,
        default=lambda self: dates.previous_week_start(fields.Date.context_today(self)),
        help="Any day of the week: the reports of its ISO week (Monday to Sunday) are "
             "made for every team that has a leader, or refreshed when they exist.")

    def action_generate(self):
        self.ensure_one()
        reports = self.env["sales.weekly.report"].generate_week(self.day)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_process_mgmt.sales_weekly_report_action")
        action["domain"] = [("id", "in", reports.ids)]
        action["context"] = {}
        return action
