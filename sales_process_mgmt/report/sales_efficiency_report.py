from odoo import api, fields, models, tools

from ..models.analysis_rates import RATIOS, read_group_with_rates
from ..models.sales_target_line import jit_disabled


def _ratio_sql(numerator, denominator, factor):
    return "CASE WHEN %(d)s <> 0 THEN %(f)s * %(n)s / %(d)s ELSE 0 END" % {
        "n": numerator, "d": denominator, "f": factor}


class SalesEfficiencyReport(models.Model):
    """Sales efficiency (评价推销的效率, R6): per salesperson and day, the visits
    planned and done, the effective ones, the orders, sales and collections,
    the visit expenses and the day's share of the monthly sales target (the
    month's target over its working days, on working days).

    Sums add up over weeks, months and teams; the rates (done, effective,
    per visit, expense to sales, achievement) are recomputed from the sums of
    each group by ``read_group``, so a week's effective rate is the week's
    effective visits over the week's visits done, not an average of days.
    Sales and collections are the facts of the targets (``sales.target.fact``),
    so the figures agree with the achievement of the targets.  The team is the
    salesperson's current team.
    """

    _name = "sales.efficiency.report"
    _description = "Sales Efficiency Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc, user_id"

    date = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    visit_planned = fields.Integer(string="Visits Planned", readonly=True)
    visit_unplanned = fields.Integer(string="Unplanned Visits", readonly=True)
    visit_done = fields.Integer(string="Visits Done", readonly=True)
    visit_effective = fields.Integer(string="Effective Visits", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    sales_amount = fields.Float(string="Sales", readonly=True)
    collection_amount = fields.Float(string="Collections", readonly=True)
    expense_amount = fields.Float(string="Visit Expenses", readonly=True)
    target_amount = fields.Float(string="Sales Target (share)", readonly=True)
    done_rate = fields.Float(string="Visits Done (%)", readonly=True, group_operator="avg")
    effective_rate = fields.Float(string="Effective Visit Rate (%)", readonly=True,
                                  group_operator="avg")
    orders_per_visit = fields.Float(readonly=True, group_operator="avg")
    sales_per_visit = fields.Float(readonly=True, group_operator="avg")
    expense_per_visit = fields.Float(readonly=True, group_operator="avg")
    expense_ratio = fields.Float(string="Expenses to Sales (%)", readonly=True,
                                 group_operator="avg")
    achievement_rate = fields.Float(string="Target Achievement (%)", readonly=True,
                                    group_operator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        ratios = ",\n       ".join(
            "%s AS %s" % (_ratio_sql("s." + numerator, "s." + denominator, factor), name)
            for name, (numerator, denominator, factor) in RATIOS.items())
        # The rate columns are built from the constant RATIOS.
        self.env.cr.execute(  # pylint: disable=sql-injection
            """
CREATE OR REPLACE VIEW sales_efficiency_report AS (
SELECT (s.user_id::bigint * 100000 + (s.date - DATE '2000-01-01')) AS id,
       s.*, u.sale_team_id AS team_id,
       %(ratios)s
FROM (
    SELECT user_id, date, MIN(company_id) AS company_id,
           SUM(visit_planned)::int AS visit_planned,
           SUM(visit_unplanned)::int AS visit_unplanned,
           SUM(visit_done)::int AS visit_done,
           SUM(visit_effective)::int AS visit_effective,
           SUM(order_count)::int AS order_count,
           SUM(sales_amount) AS sales_amount,
           SUM(collection_amount) AS collection_amount,
           SUM(expense_amount) AS expense_amount,
           SUM(target_amount) AS target_amount
    FROM (
        SELECT v.user_id, v.date, v.company_id,
               COUNT(*) FILTER (WHERE v.planned) AS visit_planned,
               COUNT(*) FILTER (WHERE NOT v.planned) AS visit_unplanned,
               COUNT(*) FILTER (WHERE v.state = 'done') AS visit_done,
               COUNT(*) FILTER (WHERE v.is_effective) AS visit_effective,
               0 AS order_count, 0.0 AS sales_amount, 0.0 AS collection_amount,
               COALESCE(SUM(v.expense_amount), 0.0) AS expense_amount,
               0.0 AS target_amount
        FROM sales_visit v
        GROUP BY v.user_id, v.date, v.company_id
        UNION ALL
        SELECT so.user_id,
               (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date,
               so.company_id, 0, 0, 0, 0, COUNT(*), 0.0, 0.0, 0.0, 0.0
        FROM sale_order so
        JOIN res_company c ON c.id = so.company_id
        JOIN res_partner cp ON cp.id = c.partner_id
        WHERE so.state IN ('sale', 'done') AND so.user_id IS NOT NULL
        GROUP BY 1, 2, 3
        UNION ALL
        SELECT f.user_id, f.date, f.company_id, 0, 0, 0, 0, 0,
               COALESCE(SUM(f.amount) FILTER (WHERE f.metric = 'sales'), 0.0),
               COALESCE(SUM(f.amount) FILTER (WHERE f.metric = 'collections'), 0.0),
               0.0, 0.0
        FROM sales_target_fact f
        WHERE f.metric IN ('sales', 'collections') AND f.user_id IS NOT NULL
        GROUP BY f.user_id, f.date, f.company_id
        UNION ALL
        SELECT t.user_id, t.date, t.company_id, 0, 0, 0, 0, 0, 0.0, 0.0, 0.0, t.target
        FROM (
            SELECT DISTINCT ON (l.user_id, d.day)
                   l.user_id, d.day::date AS date, l.company_id,
                   l.target_amount / NULLIF(wd.days, 0) AS target
            FROM sales_target_line l
            CROSS JOIN LATERAL (
                SELECT COUNT(*) AS days FROM generate_series(l.date_from, l.date_to,
                                                              interval '1 day') g
                WHERE EXTRACT(isodow FROM g) < 6) wd
            CROSS JOIN LATERAL generate_series(l.date_from, l.date_to, interval '1 day') d(day)
            WHERE l.metric = 'sales' AND l.user_id IS NOT NULL AND l.partner_id IS NULL
              AND l.categ_id IS NULL AND l.period_type = 'month'
              AND EXTRACT(isodow FROM d.day) < 6
            ORDER BY l.user_id, d.day, l.id DESC
        ) t
    ) source
    GROUP BY user_id, date
) s
JOIN res_users u ON u.id = s.user_id
)""" % {"ratios": ratios})

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """Sum the counts and amounts; the rates come from the sums."""
        with jit_disabled(self.env.cr):
            return read_group_with_rates(
                super(SalesEfficiencyReport, self).read_group, RATIOS, domain, fields,
                groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)

    @api.model
    def _search(self, *args, **kwargs):
        with jit_disabled(self.env.cr):
            return super(SalesEfficiencyReport, self)._search(*args, **kwargs)
