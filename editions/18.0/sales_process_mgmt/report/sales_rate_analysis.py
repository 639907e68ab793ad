from odoo import api, fields, models, tools

from ..lib.rates import needed_sums, rate, ratio_columns
from ..lib.sql import jit_disabled

# Prefix of the sums a group's rates need, read under their own names.
_SUM_ALIAS = "sales_rate_sum_"


class SalesRateAnalysis(models.AbstractModel):
    """The base of the analyses per salesperson and day whose rates are
    computed from sums (efficiency, report KPI).

    Each analysis declares its summed measures (``_measures``: name and SQL
    type) and its rates (``_ratios``, see ``lib.rates``), and gives its
    sources (``_sources``): queries per salesperson, day and company, each
    giving some of the measures (the others are 0).  The view sums the
    sources per salesperson and day and adds the team (the salesperson's
    current team) and a rate column per ratio.  ``read_group`` computes the
    rates of each group from the group's sums, so a week's rate is the
    week's ratio, not an average of days.

    ``read_group`` is the method the web client's pivot calls (``readGroup``)
    and the one the graph's ``web_read_group`` calls in turn; the rates it
    returns are the groups' ratios whatever aggregate the view asks for a
    rate (``effective_rate:avg``).

    Another addon adds a measure by extending ``_measures`` and a source (or
    a source's ``select``) with ``super()``.
    """

    _name = "sales.rate.analysis"
    _description = "Sales Analysis with Rates"
    _auto = False
    _rec_name = "date"
    _order = "date desc, user_id"
    _measures = ()  # ((name, SQL type), ...), in the order of the view's columns
    _ratios = {}

    date = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        # The view's SQL is the module's own text (no value of a user in it).
        self.env.cr.execute(  # pylint: disable=sql-injection
            "CREATE OR REPLACE VIEW %s AS (\n%s\n)" % (self._table, self._query()))

    def _sources(self):
        """[{"select": {column: SQL}, "from": SQL, "where": SQL, "group_by": SQL}]:
        the select gives ``user_id``, ``date``, ``company_id`` and some measures."""
        return []

    def _source_query(self, source):
        columns = ["user_id", "date", "company_id"] + [name for name, _type in self._measures]
        select = ",\n       ".join(
            "%s AS %s" % (source["select"].get(column, "0"), column) for column in columns)
        query = "SELECT %s\nFROM %s" % (select, source["from"])
        if source.get("where"):
            query += "\nWHERE %s" % source["where"]
        if source.get("group_by"):
            query += "\nGROUP BY %s" % source["group_by"]
        return query

    def _query(self):
        sums = ",\n           ".join("SUM(%s)::%s AS %s" % (name, sql_type, name)
                                     for name, sql_type in self._measures)
        return """SELECT (s.user_id::bigint * 100000 + (s.date - DATE '2000-01-01')) AS id,
       s.*, u.sale_team_id AS team_id,
       %(ratios)s
FROM (
    SELECT user_id, date, MIN(company_id) AS company_id,
           %(sums)s
    FROM (
%(sources)s
    ) source
    GROUP BY user_id, date
) s
JOIN res_users u ON u.id = s.user_id""" % {
            "ratios": ratio_columns(self._ratios, "s."),
            "sums": sums,
            "sources": "\nUNION ALL\n".join(self._source_query(source)
                                            for source in self._sources()),
        }

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """Sum the measures; the rates come from each group's sums (the sums
        the rates need are read too, under their own names).

        ``fields`` are names or specifications ("effective_rate:avg",
        "name:agg(field)"): a rate is asked by its name, whatever aggregate."""
        fields = list(fields)
        wanted = [spec.split(":")[0] for spec in fields
                  if spec.split(":")[0] in self._ratios]
        others = [spec for spec in fields if spec.split(":")[0] not in self._ratios]
        extra = ["%s%s:sum(%s)" % (_SUM_ALIAS, name, name)
                 for name in sorted(needed_sums(self._ratios, wanted))]
        # A rate is no column of the groups: ordering by it is done on the
        # computed rates, after the other terms.
        terms = [term.strip() for term in (orderby or "").split(",") if term.strip()]
        rate_terms = [term.split() for term in terms if term.split()[0] in self._ratios]
        orderby = ",".join(term for term in terms if term.split()[0] not in self._ratios)
        groups = super().read_group(domain, others + extra, groupby, offset=offset,
                                    limit=limit, orderby=orderby or False, lazy=lazy)
        for group in groups:
            sums = {key[len(_SUM_ALIAS):]: group.pop(key)
                    for key in list(group) if key.startswith(_SUM_ALIAS)}
            for name in wanted:
                numerator, denominator, factor = self._ratios[name]
                group[name] = rate(sums.get(numerator), sums.get(denominator), factor)
        for term in reversed(rate_terms):
            if term[0] in wanted:
                groups.sort(key=lambda group: group[term[0]],
                            reverse=len(term) > 1 and term[1].lower() == "desc")
        return groups

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
