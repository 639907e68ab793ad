from odoo import models

from ..lib.targets import METRICS, STATUSES
from .xlsx_formats import formats, header


class SalesTargetXlsx(models.AbstractModel):
    """XLSX of target achievement: one row per target with its actual,
    achievement and status, and a total per metric."""

    _name = "report.sales_process_mgmt.sales_target_line_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Target Achievement (XLSX)"

    def generate_xlsx_report(self, workbook, data, lines):
        fmt = formats(workbook)
        sheet = workbook.add_worksheet(self.env._("Target Achievement"))
        metrics, statuses = dict(METRICS), dict(STATUSES)
        columns = [(self.env._(
            "From"), 11), (self.env._(
            "To"), 11), (self.env._(
            "Metric"), 16), (self.env._(
            "Team"), 18),
                   (self.env._(
                       "Salesperson"), 18), (self.env._(
                       "Distributor"), 18), (self.env._(
                       "Product Category"), 18),
                   (self.env._(
                       "Target"), 14), (self.env._(
                       "Actual"), 14), (self.env._(
                       "Achievement"), 11),
                   (self.env._("Expected"), 11), (self.env._("Status"), 12)]
        sheet.write(0, 0, self.env._("Target Achievement"), fmt["title"])
        header(sheet, 2, columns, fmt)
        sheet.freeze_panes(3, 0)
        sheet.autofilter(2, 0, 2 + len(lines), len(columns) - 1)
        totals = {}
        row = 3
        for line in lines.sorted(lambda t: (t.metric, t.date_from, t.team_id.name or "",
                                            t.user_id.name or "")):
            # The dates as text, as the other columns (ISO, like the web client's export).
            values = [str(line.date_from), str(line.date_to), metrics[line.metric],
                      line.team_id.name or "", line.user_id.name or "",
                      line.partner_id.name or "", line.categ_id.display_name or ""]
            for col, value in enumerate(values):
                sheet.write(row, col, value, fmt["text"])
            sheet.write_number(row, 7, line.target_amount, fmt["amount"])
            sheet.write_number(row, 8, line.actual_amount, fmt["amount"])
            sheet.write_number(row, 9, line.achievement_rate / 100.0, fmt["percent"])
            sheet.write_number(row, 10, line.expected_rate / 100.0, fmt["percent"])
            sheet.write(row, 11, statuses.get(line.status, ""), fmt["text"])
            total = totals.setdefault(line.metric, [0.0, 0.0])
            total[0] += line.target_amount
            total[1] += line.actual_amount
            row += 1
        row += 1
        for metric, (target, actual) in sorted(totals.items()):
            sheet.write(row, 0, self.env._("Total of the rows"), fmt["total_label"])
            sheet.write(row, 2, metrics[metric], fmt["total_label"])
            sheet.write_number(row, 7, target, fmt["total_amount"])
            sheet.write_number(row, 8, actual, fmt["total_amount"])
            row += 1
