from odoo import api, fields, models, tools
from odoo.exceptions import UserError

from ..lib.sql import jit_disabled
from ..lib.targets import (
    METRICS,
    OWNER_TYPES,
    PERIOD_TYPES,
    grain_rank_sql,
    group_figures,
    metric_rank_sql,
)

VALUE_KINDS = [("target", "Target"), ("actual", "Actual")]


class SalesTargetAnalysis(models.Model):
    """Target and actual of every target line, for the pivot and graph views
    (SQL view; the actuals come from the same query as the lines' own,
    ``sales.target.fact._actuals_query``).

    Each line gives two rows: its target (``kind`` target: the target in
    ``target_amount`` and ``amount``) and its actual (``kind`` actual: the
    actual in ``actual_amount`` and ``amount``), so that the sums of the
    target and of the actual are those of the lines, and a graph grouped by
    ``kind`` shows the target and the actual side by side.

    The actual row also holds the line's projection (``projected_amount``,
    as ``sales.target.line``: the actual plus the weighted pipeline,
    ``sales.target.fact._pipeline_query``, for sales not set for a product
    category; the run rate over the working days elapsed by the company's
    local today for the others).

    Figures of different metrics (amounts and counts) or of nested levels (a
    team and its salespeople, a year and its months, a category and its
    sub-categories) are never added: ``read_group`` leaves the figures of a
    group that mixes them empty, and gives the achievement of a group as the
    ratio of its sums (actual / target × 100), not as a sum of ratios.
    """

    _name = "sales.target.analysis"
    _description = "Target Achievement Analysis"
    _auto = False
    _rec_name = "line_id"
    _depends = {
        "sales.target.line": ["target_id", "parent_id", "company_id", "metric", "date_from",
                              "date_to", "period_type", "owner_type", "team_id", "user_id",
                              "partner_id", "categ_id", "target_amount"],
        "sales.target.fact": ["date", "metric", "amount", "company_id", "team_id", "user_id",
                              "distributor_id", "categ_id"],
        "product.category": ["parent_path"],
        "crm.lead": ["type", "active", "stage_id", "probability", "expected_revenue",
                     "date_deadline", "company_id", "user_id", "team_id", "partner_id"],
        "crm.stage": ["is_won"],
    }
    _order = "date_from, metric"

    line_id = fields.Many2one("sales.target.line", string="Target Line", readonly=True)
    target_id = fields.Many2one("sales.target", string="Plan", readonly=True)
    parent_id = fields.Many2one("sales.target.line", string="Decomposed From", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    metric = fields.Selection(METRICS, readonly=True)
    date_from = fields.Date(string="Period", readonly=True)
    period_type = fields.Selection(PERIOD_TYPES, readonly=True)
    owner_type = fields.Selection(OWNER_TYPES, string="Level", readonly=True)
    team_id = fields.Many2one("crm.team", string="Team / Region", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Distributor", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    target_amount = fields.Float(string="Target", readonly=True)
    actual_amount = fields.Float(string="Actual", readonly=True)
    gap_amount = fields.Float(string="Actual - Target", readonly=True)
    achievement_rate = fields.Float(
        string="Achieved (%)", readonly=True, aggregator="avg",
        help="Actual / Target × 100, of the sums of the group.")
    projected_amount = fields.Float(
        string="Projected", readonly=True,
        help="On the actual rows: the expected figure at the end of the period (sales: the "
             "actual plus the weighted open opportunities expected to close in the period; "
             "the others: the run rate of the working days elapsed).")
    projected_rate = fields.Float(
        string="Projected (%)", readonly=True, aggregator="avg",
        help="Projected / Target × 100, of the sums of the group.")
    kind = fields.Selection(VALUE_KINDS, string="Target / Actual", readonly=True)
    amount = fields.Float(string="Target or Actual", readonly=True,
                          help="The target on the target rows, the actual on the actual rows.")
    # Which metric and which grain (level, period, category depth) the rows
    # are of: a group whose minimum and maximum differ mixes them.
    metric_min = fields.Integer(readonly=True, aggregator="min")
    metric_max = fields.Integer(readonly=True, aggregator="max")
    grain_min = fields.Integer(readonly=True, aggregator="min")
    grain_max = fields.Integer(readonly=True, aggregator="max")
    running = fields.Boolean(
        string="Running Period", compute="_compute_running", search="_search_running",
        help="The period of the target includes today.")

    _MIX_FIELDS = ("metric_min", "metric_max", "grain_min", "grain_max")
    _UNIT_FIELDS = ("target_amount", "actual_amount", "gap_amount", "amount",
                    "achievement_rate", "projected_amount", "projected_rate")

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """The groups, with empty figures where a group mixes metrics or nested
        levels, and the achievement of each group as the ratio of its sums."""
        names = {spec.split(":")[0].strip() for spec in fields}
        needed = self._MIX_FIELDS + ("target_amount", "actual_amount", "projected_amount")
        extra = [name for name in needed if name not in names]
        groups = super().read_group(domain, list(fields) + extra, groupby, offset=offset,
                                    limit=limit, orderby=orderby, lazy=lazy)
        for group in groups:
            figures = group_figures(group)
            for name in self._UNIT_FIELDS:
                if name in names:
                    group[name] = figures.get(name, group.get(name))
            for name in extra + [n for n in self._MIX_FIELDS if n in names]:
                group.pop(name, None)
        return groups

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Without the columns that tell mixed groups apart (not measures)."""
        result = super().fields_get(allfields, attributes)
        for name in self._MIX_FIELDS:
            result.pop(name, None)
        return result

    def _compute_running(self):
        today = fields.Date.context_today(self)
        for row in self:
            row.running = row.line_id.date_from <= today <= row.line_id.date_to

    def _search_running(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on the running period."))
        today = fields.Date.context_today(self)
        running = self.env["sales.target.line"].search(
            [("date_from", "<=", today), ("date_to", ">=", today)])
        positive = (operator == "=") == bool(value)
        return [("line_id", "in" if positive else "not in", running.ids)]

    # The queries on the view run without PostgreSQL's JIT (lib.sql): the
    # aggregates (pivot, graph), the record fetches (lists) and the counts.
    @api.model
    def _read_group(self, *args, **kwargs):
        self.env.flush_all()
        with jit_disabled(self.env.cr):
            return super()._read_group(*args, **kwargs)

    def _fetch_query(self, query, fields):
        self.env.flush_all()
        with jit_disabled(self.env.cr):
            return super()._fetch_query(query, fields)

    @api.model
    def search_count(self, domain, limit=None):
        self.env.flush_all()
        with jit_disabled(self.env.cr):
            return super().search_count(domain, limit=limit)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # The view's SQL is the module's own text (no value of a user in it).
        self.env.cr.execute(  # pylint: disable=sql-injection
            "CREATE OR REPLACE VIEW %s AS (\n%s\n)" % (self._table, self._query()))

    def _select(self):
        target = "CASE WHEN kind.name = 'target' THEN l.target_amount ELSE 0 END"
        actual = "CASE WHEN kind.name = 'actual' THEN a.actual_amount ELSE 0 END"
        projected = """CASE WHEN kind.name <> 'actual' THEN 0
            WHEN l.metric = 'sales' AND l.categ_id IS NULL
            THEN a.actual_amount + COALESCE(pipeline.actual_amount, 0)
            WHEN days.elapsed > 0 AND days.elapsed < days.total
            THEN a.actual_amount * days.total / days.elapsed
            ELSE a.actual_amount END"""
        return """l.id * 2 + kind.rank AS id, l.id AS line_id, l.target_id, l.parent_id,
       l.company_id, l.metric, l.date_from, l.period_type, l.owner_type, l.team_id,
       l.user_id, l.partner_id, l.categ_id, kind.name AS kind,
       %(target)s AS target_amount, %(actual)s AS actual_amount,
       %(actual)s - %(target)s AS gap_amount, %(target)s + %(actual)s AS amount,
       %(projected)s AS projected_amount,
       CASE WHEN l.target_amount <> 0 THEN (%(projected)s) / l.target_amount * 100
            ELSE 0 END AS projected_rate,
       CASE WHEN l.target_amount <> 0 AND kind.name = 'actual'
            THEN a.actual_amount / l.target_amount * 100 ELSE 0 END AS achievement_rate,
       %(metric)s AS metric_min, %(metric)s AS metric_max,
       %(grain)s AS grain_min, %(grain)s AS grain_max""" % {
            "target": target, "actual": actual, "projected": projected,
            "metric": metric_rank_sql("l"), "grain": grain_rank_sql("l", "categ_depth.depth"),
        }

    def _local_today(self, company):
        """SQL of today's date in the time zone of the company ``company``
        (SQL of its id), as the facts' dates."""
        return """(SELECT (now() AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date
        FROM res_company c JOIN res_partner cp ON cp.id = c.partner_id
        WHERE c.id = %s)""" % company

    def _pipeline(self):
        """SQL of (line_id, actual_amount: the weighted pipeline) of the sales
        lines without a category whose period has not ended."""
        facts = self.env["sales.target.fact"]
        return facts._actuals_query(
            "l.metric = 'sales' AND l.categ_id IS NULL AND l.date_to >= %s"
            % self._local_today("l.company_id"),
            "f.date BETWEEN (SELECT MIN(date_from) FROM line) "
            "AND (SELECT MAX(date_to) FROM line)",
            "(%s)" % facts._pipeline_query())

    def _days(self):
        """SQL of the working days (Monday to Friday) of the line's period:
        ``total``, and ``elapsed`` by the company's local today (as
        ``lib.dates.elapsed_share``)."""
        return """SELECT COUNT(*) AS total,
           COUNT(*) FILTER (WHERE d::date <= %s) AS elapsed
    FROM generate_series(l.date_from, l.date_to, interval '1 day') d
    WHERE EXTRACT(isodow FROM d) < 6""" % self._local_today("l.company_id")

    def _categ_depth(self):
        """SQL of the depth of the line's category (0 without one)."""
        return """SELECT COALESCE(array_length(
        string_to_array(rtrim(c.parent_path, '/'), '/'), 1), 0) AS depth
    FROM (SELECT 1) one LEFT JOIN product_category c ON c.id = l.categ_id"""

    def _from(self):
        facts = self.env["sales.target.fact"]
        return """sales_target_line l
JOIN (%s) a ON a.line_id = l.id
LEFT JOIN (%s) pipeline ON pipeline.line_id = l.id
CROSS JOIN (VALUES (0, 'target'), (1, 'actual')) kind(rank, name)
CROSS JOIN LATERAL (%s) categ_depth
CROSS JOIN LATERAL (%s) days""" % (
            facts._actuals_query(), self._pipeline(), self._categ_depth(), self._days())

    def _query(self):
        return "SELECT %s\nFROM %s" % (self._select(), self._from())
