from odoo import api, fields, models, tools

from ..lib.sql import jit_disabled
from ..lib.targets import METRICS, OWNER_TYPES, PERIOD_TYPES


class SalesTargetAnalysis(models.Model):
    """Target and actual of every target line, for the pivot and graph views
    (SQL view; the actuals come from the same query as the lines' own,
    ``sales.target.fact._actuals_query``)."""

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
        return """l.id, l.id AS line_id, l.target_id, l.parent_id, l.company_id, l.metric,
       l.date_from, l.period_type, l.owner_type, l.team_id, l.user_id, l.partner_id,
       l.categ_id, l.target_amount, a.actual_amount,
       a.actual_amount - l.target_amount AS gap_amount"""

    def _from(self):
        return "sales_target_line l\nJOIN (%s) a ON a.line_id = l.id" % (
            self.env["sales.target.fact"]._actuals_query())

    def _query(self):
        return "SELECT %s\nFROM %s" % (self._select(), self._from())
