from odoo import api, fields, models, tools

from ..models.analysis_rates import read_group_with_rates

KPI_RATIOS = {
    "submission_rate": ("reports_submitted", "reports_due", 100.0),
    "on_time_rate": ("reports_on_time", "reports_due", 100.0),
    "avg_late_hours": ("late_hours", "reports_late", 1.0),
    "avg_quality": ("quality_total", "reports_scored", 1.0),
    "first_time_rate": ("plans_first_time", "plans_approved", 100.0),
}


class SalesReportKpi(models.Model):
    """Report timeliness and quality as a KPI (R9): per salesperson and working
    day, the daily report due, submitted, on time or late (hours after the
    deadline, at the first submission), its quality score, and the visit plans
    approved on their first submission.

    A report is due for each working day that has one: the salesperson writes
    it, or the missing-report action creates it as a draft once the deadline
    has passed, so a day without any report is not counted.  The rates of a
    week or a month are computed from its sums (see ``read_group``).
    """

    _name = "sales.report.kpi"
    _description = "Report Timeliness and Quality"
    _auto = False
    _rec_name = "date"
    _order = "date desc, user_id"

    date = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    reports_due = fields.Integer(readonly=True)
    reports_submitted = fields.Integer(readonly=True)
    reports_on_time = fields.Integer(readonly=True)
    reports_late = fields.Integer(readonly=True)
    late_hours = fields.Float(readonly=True)
    reports_scored = fields.Integer(readonly=True)
    quality_total = fields.Integer(string="Quality Points", readonly=True)
    plans_approved = fields.Integer(readonly=True)
    plans_first_time = fields.Integer(string="Plans Approved First Time", readonly=True)
    submission_rate = fields.Float(string="Submitted (%)", readonly=True, group_operator="avg")
    on_time_rate = fields.Float(string="On Time (%)", readonly=True, group_operator="avg")
    avg_late_hours = fields.Float(string="Average Delay (hours)", readonly=True,
                                  group_operator="avg")
    avg_quality = fields.Float(string="Average Quality", readonly=True, group_operator="avg")
    first_time_rate = fields.Float(string="Plans Approved First Time (%)", readonly=True,
                                   group_operator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
CREATE OR REPLACE VIEW sales_report_kpi AS (
SELECT (k.user_id::bigint * 100000 + (k.date - DATE '2000-01-01')) AS id, k.*,
       u.sale_team_id AS team_id,
       CASE WHEN k.reports_due > 0
            THEN 100.0 * k.reports_submitted / k.reports_due ELSE 0 END AS submission_rate,
       CASE WHEN k.reports_due > 0
            THEN 100.0 * k.reports_on_time / k.reports_due ELSE 0 END AS on_time_rate,
       CASE WHEN k.reports_late > 0
            THEN k.late_hours / k.reports_late ELSE 0 END AS avg_late_hours,
       CASE WHEN k.reports_scored > 0
            THEN k.quality_total::float / k.reports_scored ELSE 0 END AS avg_quality,
       CASE WHEN k.plans_approved > 0
            THEN 100.0 * k.plans_first_time / k.plans_approved ELSE 0 END AS first_time_rate
FROM (
    SELECT user_id, date, MIN(company_id) AS company_id,
           SUM(reports_due)::int AS reports_due,
           SUM(reports_submitted)::int AS reports_submitted,
           SUM(reports_on_time)::int AS reports_on_time,
           SUM(reports_late)::int AS reports_late,
           SUM(late_hours) AS late_hours,
           SUM(reports_scored)::int AS reports_scored,
           SUM(quality_total)::int AS quality_total,
           SUM(plans_approved)::int AS plans_approved,
           SUM(plans_first_time)::int AS plans_first_time
    FROM (
        SELECT r.user_id, r.date, r.company_id, 1 AS reports_due,
               CASE WHEN r.state <> 'draft' THEN 1 ELSE 0 END AS reports_submitted,
               CASE WHEN r.state <> 'draft' AND NOT COALESCE(r.is_late, FALSE)
                    THEN 1 ELSE 0 END AS reports_on_time,
               CASE WHEN r.is_late THEN 1 ELSE 0 END AS reports_late,
               COALESCE(r.late_hours, 0) AS late_hours,
               CASE WHEN r.quality_value > 0 THEN 1 ELSE 0 END AS reports_scored,
               COALESCE(r.quality_value, 0) AS quality_total,
               0 AS plans_approved, 0 AS plans_first_time
        FROM sales_daily_report r
        WHERE EXTRACT(isodow FROM r.date) < 6
        UNION ALL
        SELECT p.user_id, p.date, p.company_id, 0, 0, 0, 0, 0, 0, 0,
               CASE WHEN p.state = 'approved' THEN 1 ELSE 0 END,
               CASE WHEN p.approved_first_time THEN 1 ELSE 0 END
        FROM sales_visit_plan p
    ) source
    GROUP BY user_id, date
) k
JOIN res_users u ON u.id = k.user_id
)""")

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """Sum the counts; the rates come from the sums."""
        return read_group_with_rates(
            super(SalesReportKpi, self).read_group, KPI_RATIOS, domain, fields, groupby,
            offset=offset, limit=limit, orderby=orderby, lazy=lazy)
