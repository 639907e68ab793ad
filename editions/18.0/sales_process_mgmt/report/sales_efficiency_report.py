from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

from ..lib import dates
from ..lib.rates import EFFICIENCY_RATIOS


class SalesEfficiencyReport(models.Model):
    """Sales efficiency (评价推销的效率): per salesperson and day, the visits
    planned and done, the effective ones, the orders, sales and collections,
    the visit expenses and the day's share of the monthly sales target (the
    month's target over its working days, on working days).

    Sums add up over weeks, months and teams; the rates (done, effective,
    per visit, expense to sales, achievement) are recomputed from the sums of
    each group (``sales.rate.analysis``).  Sales and collections are the facts
    of the targets (``sales.target.fact``), so the figures agree with the
    achievement of the targets.  The team is the salesperson's current team.
    """

    _name = "sales.efficiency.report"
    _inherit = "sales.rate.analysis"
    _description = "Sales Efficiency Analysis"
    _auto = False
    _depends = {
        "sales.visit": ["user_id", "date", "company_id", "planned", "state", "is_effective",
                        "expense_amount", "check_in_at", "check_in_flagged"],
        "sale.order": ["state", "date_order", "company_id", "user_id"],
        "sales.target.fact": ["date", "metric", "amount", "user_id", "company_id"],
        "sales.target.line": ["metric", "user_id", "partner_id", "categ_id", "period_type",
                              "date_from", "date_to", "target_amount", "company_id"],
        "res.users": ["sale_team_id"],
    }
    _measures = (
        ("visit_planned", "int"), ("visit_unplanned", "int"), ("visit_done", "int"),
        ("visit_effective", "int"), ("order_count", "int"), ("sales_amount", "float"),
        ("collection_amount", "float"), ("expense_amount", "float"),
        ("target_amount", "float"), ("visit_checked_in", "int"), ("visit_flagged", "int"),
    )
    _ratios = EFFICIENCY_RATIOS

    visit_planned = fields.Integer(string="Visits Planned", readonly=True)
    visit_unplanned = fields.Integer(string="Unplanned Visits", readonly=True)
    visit_done = fields.Integer(string="Visits Done", readonly=True)
    visit_effective = fields.Integer(string="Effective Visits", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    sales_amount = fields.Float(string="Sales", readonly=True)
    collection_amount = fields.Float(string="Collections", readonly=True)
    expense_amount = fields.Float(string="Visit Expenses", readonly=True)
    target_amount = fields.Float(string="Sales Target (share)", readonly=True)
    visit_checked_in = fields.Integer(string="Visits Checked In", readonly=True)
    visit_flagged = fields.Integer(
        string="Check-ins Flagged", readonly=True,
        help="Visits checked in far from the customer, out of the planned time or without "
             "location.")
    done_rate = fields.Float(string="Visits Done (%)", readonly=True, aggregator="avg")
    effective_rate = fields.Float(string="Effective Visit Rate (%)", readonly=True,
                                  aggregator="avg")
    orders_per_visit = fields.Float(readonly=True, aggregator="avg")
    sales_per_visit = fields.Float(readonly=True, aggregator="avg")
    expense_per_visit = fields.Float(readonly=True, aggregator="avg")
    expense_ratio = fields.Float(string="Expenses to Sales (%)", readonly=True,
                                 aggregator="avg")
    achievement_rate = fields.Float(string="Target Achievement (%)", readonly=True,
                                    aggregator="avg")
    recent = fields.Boolean(
        string="Last 4 Weeks", compute="_compute_recent", search="_search_recent",
        help="The four weeks, up to today, that end with the last week with visits, orders, "
             "sales, collections or expenses: no empty week before or after.")

    # A day with activity: the target's share alone is not one.
    _ACTIVITY = ["|", "|", "|", "|", "|", ("visit_planned", ">", 0), ("visit_unplanned", ">", 0),
                 ("order_count", ">", 0), ("sales_amount", "!=", 0),
                 ("collection_amount", "!=", 0), ("expense_amount", "!=", 0)]

    def _recent_window(self):
        """(first day, last day) of the four weeks up to the last week with
        activity that the user may see (this week when there is none), not
        after today."""
        today = dates.as_date(fields.Date.context_today(self))
        last = self.search(self._ACTIVITY + [("date", "<=", today)], order="date desc",
                           limit=1)
        last_day = dates.as_date(last.date) if last else today
        start = last_day - timedelta(days=last_day.weekday() + 21)
        return start, min(today, start + timedelta(days=27))

    def _compute_recent(self):
        start, end = self._recent_window()
        for row in self:
            row.recent = start <= dates.as_date(row.date) <= end

    def _search_recent(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on the last four weeks."))
        start, end = self._recent_window()
        start, end = fields.Date.to_string(start), fields.Date.to_string(end)
        if (operator == "=") == bool(value):
            return ["&", ("date", ">=", start), ("date", "<=", end)]
        return ["|", ("date", "<", start), ("date", ">", end)]

    def _sources(self):
        return [self._visit_source(), self._order_source(), self._fact_source(),
                self._target_source()]

    def _visit_source(self):
        return {
            "select": {
                "user_id": "v.user_id", "date": "v.date", "company_id": "v.company_id",
                "visit_planned": "COUNT(*) FILTER (WHERE v.planned)",
                "visit_unplanned": "COUNT(*) FILTER (WHERE NOT v.planned)",
                "visit_done": "COUNT(*) FILTER (WHERE v.state = 'done')",
                "visit_effective": "COUNT(*) FILTER (WHERE v.is_effective)",
                "expense_amount": "COALESCE(SUM(v.expense_amount), 0.0)",
                "visit_checked_in": "COUNT(*) FILTER (WHERE v.check_in_at IS NOT NULL)",
                "visit_flagged": "COUNT(*) FILTER (WHERE v.check_in_flagged)",
            },
            "from": "sales_visit v",
            "group_by": "v.user_id, v.date, v.company_id",
        }

    def _order_source(self):
        """Confirmed orders, on their local date in the company's time zone."""
        local_date = self.env["sales.target.fact"]._local_date("so.date_order", "cp")
        return {
            "select": {"user_id": "so.user_id", "date": local_date,
                       "company_id": "so.company_id", "order_count": "COUNT(*)"},
            "from": "sale_order so\nJOIN res_company c ON c.id = so.company_id\n"
                    "JOIN res_partner cp ON cp.id = c.partner_id",
            "where": "so.state = 'sale' AND so.user_id IS NOT NULL",
            "group_by": "so.user_id, %s, so.company_id" % local_date,
        }

    def _fact_source(self):
        return {
            "select": {
                "user_id": "f.user_id", "date": "f.date", "company_id": "f.company_id",
                "sales_amount": "COALESCE(SUM(f.amount) FILTER (WHERE f.metric = 'sales'), 0.0)",
                "collection_amount":
                    "COALESCE(SUM(f.amount) FILTER (WHERE f.metric = 'collections'), 0.0)",
            },
            "from": "sales_target_fact f",
            "where": "f.metric IN ('sales', 'collections') AND f.user_id IS NOT NULL",
            "group_by": "f.user_id, f.date, f.company_id",
        }

    def _target_source(self):
        """The day's share of the salesperson's monthly sales target: the
        month's target over its working days, on each working day."""
        return {
            "select": {"user_id": "t.user_id", "date": "t.date", "company_id": "t.company_id",
                       "target_amount": "t.target"},
            "from": """(
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
) t""",
        }
