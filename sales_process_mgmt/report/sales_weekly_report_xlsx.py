from odoo import _, models

from ..lib import dates
from ..lib.targets import METRICS
from .xlsx_formats import formats, header, sheet_name


class SalesWeeklyReportXlsx(models.AbstractModel):
    """XLSX of weekly reports: a summary sheet with one row per report and a
    total row, then one sheet per report with its target achievement, its
    figures and its texts."""

    _name = "report.sales_process_mgmt.sales_weekly_report_xlsx"
    _inherit = "report.report_xlsx.abstract"

    def generate_xlsx_report(self, workbook, data, reports):
        fmt = formats(workbook)
        summary = workbook.add_worksheet(_("Summary"))
        columns = [(_("Report"), 28), (_("Sales"), 14), (_("New Customers"), 10),
                   (_("Collections"), 14), (_("Visits Done"), 10),
                   (_("Effective Visit Rate"), 10), (_("Transaction Rate"), 10),
                   (_("Average Sales per Salesperson"), 14), (_("Reports Due"), 9),
                   (_("Reports Submitted"), 9), (_("Reports Late"), 9),
                   (_("Reports Missing"), 9), (_("State"), 12)]
        summary.write(0, 0, _("Weekly Sales Management Reports"), fmt["title"])
        header(summary, 2, columns, fmt)
        summary.freeze_panes(3, 1)
        states = dict(reports._fields["state"]._description_selection(self.env))
        row = 3
        for report in reports:
            summary.write(row, 0, report.name, fmt["text"])
            summary.write_number(row, 1, report.sales_amount, fmt["amount"])
            summary.write_number(row, 2, report.new_customer_count, fmt["integer"])
            summary.write_number(row, 3, report.collection_amount, fmt["amount"])
            summary.write_number(row, 4, report.visit_done, fmt["integer"])
            summary.write_number(row, 5, report.effective_rate / 100.0, fmt["percent"])
            summary.write_number(row, 6, report.transaction_rate / 100.0, fmt["percent"])
            summary.write_number(row, 7, report.avg_sales_per_salesperson, fmt["amount"])
            for col, value in enumerate((report.reports_due, report.reports_submitted,
                                         report.reports_late, report.reports_missing), 8):
                summary.write_number(row, col, value, fmt["integer"])
            summary.write(row, 12, states.get(report.state), fmt["text"])
            row += 1
        summary.write(row, 0, _("Total"), fmt["total_label"])
        for col in (1, 2, 3, 4, 8, 9, 10, 11):
            column = chr(ord("A") + col)
            summary.write_formula(row, col, "=SUM(%s4:%s%d)" % (column, column, row),
                                  fmt["total_amount" if col in (1, 3) else "total_integer"])
        for report in reports:
            self._report_sheet(workbook, fmt, report)

    def _report_sheet(self, workbook, fmt, report):
        # The team and the week, as the report's name: the week kept whole.
        sheet = workbook.add_worksheet(sheet_name(
            workbook, report.team_id.name, dates.iso_week_label(dates.as_date(report.week_start))))
        metrics = dict(METRICS)
        sheet.write(0, 0, report.name, fmt["title"])
        columns = [(_("Metric"), 22), (_("Week's Target"), 14), (_("Week"), 14),
                   (_("Week (%)"), 10), (_("Month's Target"), 14), (_("Month to Date"), 14),
                   (_("Month to Date (%)"), 10)]
        header(sheet, 2, columns, fmt)
        sheet.freeze_panes(3, 0)
        row = 3
        for line in report.target_ids:
            sheet.write(row, 0, metrics[line.metric], fmt["text"])
            sheet.write_number(row, 1, line.week_target, fmt["amount"])
            sheet.write_number(row, 2, line.week_actual, fmt["amount"])
            sheet.write_number(row, 3, line.week_rate / 100.0, fmt["percent"])
            sheet.write_number(row, 4, line.month_target, fmt["amount"])
            sheet.write_number(row, 5, line.month_actual, fmt["amount"])
            sheet.write_number(row, 6, line.month_rate / 100.0, fmt["percent"])
            row += 1
        row += 1
        figures = [
            (_("Visits Planned"), report.visit_planned, "integer"),
            (_("Visits Done"), report.visit_done, "integer"),
            (_("Effective Visit Rate"), report.effective_rate / 100.0, "percent"),
            (_("Transaction Rate"), report.transaction_rate / 100.0, "percent"),
            (_("Salespeople"), report.salesperson_count, "integer"),
            (_("Average Sales per Salesperson"), report.avg_sales_per_salesperson, "amount"),
            (_("Plans Approved"), report.plans_approved, "integer"),
            (_("Plans Approved on First Submission"), report.plans_first_time, "integer"),
            (_("Abnormal Customers"), report.abnormal_count, "integer"),
        ]
        for label, value, kind in figures:
            sheet.write(row, 0, label, fmt["text"])
            sheet.write_number(row, 1, value, fmt[kind])
            row += 1
        row += 1
        for label, text in ((_("Comments on the Week"), report.week_comment),
                            (_("Next Week's Targets"), report.next_week_targets),
                            (_("Next Week's Plan"), report.next_week_plan),
                            (_("Director's Comments"), report.director_comment)):
            sheet.write(row, 0, label, fmt["header"])
            sheet.merge_range(row, 1, row, 6, text or "", fmt["wrap"])
            row += 1
