from odoo import fields, models

from ..lib.rates import KPI_RATIOS


class SalesReportKpi(models.Model):
    """Report timeliness and quality as a KPI: per salesperson and working
    day, the daily report due, submitted, on time or late (hours after the
    deadline, at the first submission), its quality score, and the visit plans
    approved on their first submission.

    A report is due for each working day that has one: the salesperson writes
    it, or the missing-report action creates it as a draft once the deadline
    has passed, so a day without any report is not counted.  The rates of a
    week or a month are computed from its sums (``sales.rate.analysis``).
    """

    _name = "sales.report.kpi"
    _inherit = "sales.rate.analysis"
    _description = "Report Timeliness and Quality"
    _auto = False
    _depends = {
        "sales.daily.report": ["user_id", "date", "company_id", "state", "is_late",
                               "late_hours", "quality_value"],
        "sales.visit.plan": ["user_id", "date", "company_id", "state", "approved_first_time"],
        "res.users": ["sale_team_id"],
    }
    _measures = (
        ("reports_due", "int"), ("reports_submitted", "int"), ("reports_on_time", "int"),
        ("reports_late", "int"), ("late_hours", "float"), ("reports_scored", "int"),
        ("quality_total", "int"), ("plans_approved", "int"), ("plans_first_time", "int"),
    )
    _ratios = KPI_RATIOS

    reports_due = fields.Integer(readonly=True)
    reports_submitted = fields.Integer(readonly=True)
    reports_on_time = fields.Integer(readonly=True)
    reports_late = fields.Integer(readonly=True)
    late_hours = fields.Float(readonly=True)
    reports_scored = fields.Integer(readonly=True)
    quality_total = fields.Integer(string="Quality Points", readonly=True)
    plans_approved = fields.Integer(readonly=True)
    plans_first_time = fields.Integer(string="Plans Approved First Time", readonly=True)
    submission_rate = fields.Float(string="Submitted (%)", readonly=True, aggregator="avg")
    on_time_rate = fields.Float(string="On Time (%)", readonly=True, aggregator="avg")
    avg_late_hours = fields.Float(string="Average Delay (hours)", readonly=True,
                                  aggregator="avg")
    avg_quality = fields.Float(string="Average Quality", readonly=True, aggregator="avg")
    first_time_rate = fields.Float(string="Plans Approved First Time (%)", readonly=True,
                                   aggregator="avg")

    def _sources(self):
        return [self._report_source(), self._plan_source()]

    def _report_source(self):
        return {
            "select": {
                "user_id": "r.user_id", "date": "r.date", "company_id": "r.company_id",
                "reports_due": "1",
                "reports_submitted": "CASE WHEN r.state <> 'draft' THEN 1 ELSE 0 END",
                "reports_on_time": "CASE WHEN r.state <> 'draft' AND NOT COALESCE("
                                   "r.is_late, FALSE) THEN 1 ELSE 0 END",
                "reports_late": "CASE WHEN r.is_late THEN 1 ELSE 0 END",
                "late_hours": "COALESCE(r.late_hours, 0)",
                "reports_scored": "CASE WHEN r.quality_value > 0 THEN 1 ELSE 0 END",
                "quality_total": "COALESCE(r.quality_value, 0)",
            },
            "from": "sales_daily_report r",
            "where": "EXTRACT(isodow FROM r.date) < 6",
        }

    def _plan_source(self):
        return {
            "select": {
                "user_id": "p.user_id", "date": "p.date", "company_id": "p.company_id",
                "plans_approved": "CASE WHEN p.state = 'approved' THEN 1 ELSE 0 END",
                "plans_first_time": "CASE WHEN p.approved_first_time THEN 1 ELSE 0 END",
            },
            "from": "sales_visit_plan p",
        }
