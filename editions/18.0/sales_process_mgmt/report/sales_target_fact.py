from odoo import api, fields, models, tools

from ..lib.sql import jit_disabled
from ..lib.targets import METRICS

# A key of a target line is one of these columns of the facts; a key the line
# leaves empty (-1 in the query) means "any".
_LINE_KEYS = (("team_key", "team_id"), ("user_key", "user_id"),
              ("distributor_key", "distributor_id"), ("categ_key", "categ_id"))


class SalesTargetFact(models.Model):
    """The actuals behind the targets, one row per business fact (SQL view).

    * ``sales`` and ``margin``: each line of a confirmed sale order (state
      ``sale``), untaxed subtotal and ``sale_margin``'s margin, in the company
      currency (the order currency converted at the rate of the order date).
    * ``new_customers``: 1 for each commercial partner, on the date of its first
      confirmed order, attributed like that order.
    * ``collections``: each posted customer payment (state ``in_process`` or
      ``paid``, its journal entry posted), in the company currency (from the
      receivable journal items of its entry), attributed to the salesperson
      and team of each invoice it is reconciled with (an
      ``account.partial.reconcile`` between the payment's receivable item and
      the invoice's), for the amount reconciled; what is not reconciled with an
      invoice goes to the customer's salesperson and team.

    Dates are local dates in the time zone of the company (its partner's
    time zone, UTC when not set), so that an order confirmed at 23:59 in
    Shanghai counts on that day.  Orders count for the distributor when the
    customer is a distributor or is served by one.

    The view is a ``UNION ALL`` of one query per kind of fact
    (``_fact_queries``), each built from small parts that another addon
    extends with ``super()``.  It has no window function and no CTE, and its
    id comes from the source row, so that a condition on the date, company,
    team or salesperson of a query on the view reaches the base tables
    instead of being applied to the whole view.
    """

    _name = "sales.target.fact"
    _description = "Sales Target Actual (fact)"
    _auto = False
    _rec_name = "date"
    # What the view reads: Odoo flushes it before a query on the view.
    _depends = {
        "sale.order": ["state", "date_order", "company_id", "user_id", "team_id",
                       "partner_id", "currency_id"],
        "sale.order.line": ["order_id", "product_id", "price_subtotal", "margin"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
        "res.partner": ["commercial_partner_id", "is_distributor", "sales_distributor_id",
                        "user_id", "tz"],
        "res.users": ["sale_team_id"],
        "res.company": ["partner_id", "currency_id"],
        "res.currency.rate": ["rate", "name", "currency_id", "company_id"],
        "account.payment": ["move_id", "partner_id", "payment_type", "partner_type",
                            "state", "date", "company_id"],
        "account.move": ["state", "move_type", "invoice_user_id", "team_id"],
        "account.move.line": ["move_id", "account_id", "credit", "debit"],
        "account.account": ["account_type"],
        "account.partial.reconcile": ["amount", "debit_move_id", "credit_move_id"],
    }
    _order = "date desc"

    date = fields.Date(readonly=True)
    metric = fields.Selection(METRICS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", readonly=True)
    distributor_id = fields.Many2one("res.partner", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    amount = fields.Float(readonly=True)

    # ------------------------------------------------------------- the view

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # The view's SQL is the module's own text (no value of a user in it).
        self.env.cr.execute(  # pylint: disable=sql-injection
            "CREATE OR REPLACE VIEW %s AS (\n%s\n)" % (self._table, self._query()))

    def _query(self):
        return "\nUNION ALL\n".join(self._fact_queries())

    def _fact_queries(self):
        """One SELECT per kind of fact, each giving the view's columns in order:
        id, date, metric, company_id, user_id, team_id, distributor_id,
        partner_id, categ_id, amount.  Ids are the source row's id × 8 plus
        the kind (0-4), unique across the kinds."""
        return [self._order_line_query(), self._order_line_margin_query(),
                self._new_customer_query(), self._reconciled_collection_query(),
                self._unreconciled_collection_query()]

    # --------------------------------------------------------------- parts

    def _local_date(self, column, company_partner):
        """The local date, in the company's time zone, of the UTC ``column``."""
        return ("(%s AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(%s.tz, 'UTC'))::date"
                % (column, company_partner))

    def _customer_from(self, partner_column, alias):
        """Joins of the commercial partner ``alias`` of the partner in
        ``partner_column``."""
        return (f"JOIN res_partner {alias}_contact ON {alias}_contact.id = {partner_column}\n"
                f"JOIN res_partner {alias} ON {alias}.id = {alias}_contact.commercial_partner_id")

    def _distributor(self, alias):
        """The distributor of the commercial partner ``alias``: itself when it is
        one, else the distributor that serves it."""
        return (f"CASE WHEN {alias}.is_distributor THEN {alias}.id "
                f"ELSE {alias}.sales_distributor_id END")

    def _order_rate(self):
        """The rate of the order's currency at the order's date (1 in the
        company currency), by which its amounts are divided."""
        return """CASE WHEN so.currency_id = company.currency_id THEN 1.0 ELSE COALESCE((
               SELECT r.rate FROM res_currency_rate r
               WHERE r.currency_id = so.currency_id AND r.name <= so.date_order
                 AND (r.company_id IS NULL OR r.company_id = so.company_id)
               ORDER BY r.name DESC LIMIT 1), 1.0) END"""

    def _order_joins(self):
        """Joins of an order ``so``: its company (``company``, ``company_partner``)
        and customer (``customer``).  The order's currency is its own column
        (the pricelist is optional)."""
        return """JOIN res_company company ON company.id = so.company_id
JOIN res_partner company_partner ON company_partner.id = company.partner_id
%s""" % self._customer_from("so.partner_id", "customer")

    def _order_line_query(self, metric="sales", kind=0, measure="sol.price_subtotal"):
        """The sales (or, with the other arguments, the margin) of each line of
        a confirmed order.  One query per metric, with the metric written in
        it, so that a query on another metric skips the order lines."""
        return """SELECT sol.id::bigint * 8 + %(kind)d AS id,
       %(date)s AS date, '%(metric)s'::varchar AS metric, so.company_id, so.user_id,
       so.team_id, %(distributor)s AS distributor_id, customer.id AS partner_id,
       pt.categ_id, %(measure)s / (%(rate)s) AS amount
FROM sale_order_line sol
JOIN sale_order so ON so.id = sol.order_id
%(orders)s
LEFT JOIN product_product pp ON pp.id = sol.product_id
LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
WHERE so.state = 'sale'""" % {
            "kind": kind, "metric": metric, "measure": measure,
            "date": self._local_date("so.date_order", "company_partner"),
            "distributor": self._distributor("customer"),
            "rate": self._order_rate(),
            "orders": self._order_joins(),
        }

    def _order_line_margin_query(self):
        return self._order_line_query("margin", 1, "COALESCE(sol.margin, 0)")

    def _new_customer_query(self):
        """1 on the date of each commercial partner's first confirmed order."""
        return """SELECT first.id::bigint * 8 + 2, first.date, 'new_customers'::varchar,
       first.company_id, first.user_id, first.team_id, first.distributor_id,
       first.partner_id, NULL::integer, 1.0
FROM (
    SELECT DISTINCT ON (customer.id)
           so.id, %(date)s AS date, so.company_id, so.user_id, so.team_id,
           %(distributor)s AS distributor_id, customer.id AS partner_id
    FROM sale_order so
    %(orders)s
    WHERE so.state = 'sale'
    ORDER BY customer.id, %(date)s, so.id
) first""" % {
            "date": self._local_date("so.date_order", "company_partner"),
            "distributor": self._distributor("customer"),
            "orders": self._order_joins(),
        }

    def _payment_from(self):
        """The receivable journal items (``aml``) of the posted entries
        (``am``) of the customer payments (``ap``) and their customer
        (``customer``)."""
        return """account_payment ap
JOIN account_move am ON am.id = ap.move_id AND am.state = 'posted'
JOIN account_move_line aml ON aml.move_id = am.id
JOIN account_account aa ON aa.id = aml.account_id AND aa.account_type = 'asset_receivable'
%s""" % self._customer_from("ap.partner_id", "customer")

    def _payment_where(self):
        return """ap.payment_type = 'inbound' AND ap.partner_type = 'customer'
  AND ap.state IN ('in_process', 'paid')"""

    def _reconciled_collection_query(self):
        """What each payment paid of each invoice: the salesperson and team of
        the invoice."""
        return """SELECT apr.id::bigint * 8 + 3, ap.date, 'collections'::varchar,
       ap.company_id, inv.invoice_user_id, inv.team_id, %(distributor)s, customer.id,
       NULL::integer, apr.amount
FROM %(payments)s
JOIN account_partial_reconcile apr ON apr.credit_move_id = aml.id
JOIN account_move_line inv_line ON inv_line.id = apr.debit_move_id
JOIN account_move inv ON inv.id = inv_line.move_id AND inv.move_type <> 'entry'
WHERE %(where)s AND apr.amount <> 0""" % {
            "distributor": self._distributor("customer"),
            "payments": self._payment_from(),
            "where": self._payment_where(),
        }

    def _unreconciled_collection_query(self):
        """The rest of each payment, not reconciled with an invoice: the
        customer's salesperson and team (the partner has no team of its own:
        the main team of its salesperson)."""
        return """SELECT aml.id::bigint * 8 + 4, ap.date, 'collections'::varchar,
       ap.company_id, customer.user_id, customer_user.sale_team_id, %(distributor)s,
       customer.id, NULL::integer, aml.credit - aml.debit - COALESCE(paid.amount, 0)
FROM %(payments)s
LEFT JOIN res_users customer_user ON customer_user.id = customer.user_id
LEFT JOIN (
    SELECT apr.credit_move_id, SUM(apr.amount) AS amount
    FROM account_partial_reconcile apr
    JOIN account_move_line inv_line ON inv_line.id = apr.debit_move_id
    JOIN account_move inv ON inv.id = inv_line.move_id AND inv.move_type <> 'entry'
    GROUP BY apr.credit_move_id
) paid ON paid.credit_move_id = aml.id
WHERE %(where)s AND aml.credit - aml.debit - COALESCE(paid.amount, 0) <> 0""" % {
            "distributor": self._distributor("customer"),
            "payments": self._payment_from(),
            "where": self._payment_where(),
        }

    # ---------------------------------------------------- actuals of targets

    @api.model
    def _line_actuals(self, line_ids):
        """{target line id: actual} for the lines ``line_ids``, in one
        aggregate: their metrics and dates, read first, are given to it as
        constants, so that only those facts are built."""
        if not line_ids:
            return {}
        # The lines and the orders, payments, partners and categories behind
        # the facts: in the database before the query reads them.
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("""SELECT ARRAY_AGG(DISTINCT metric), MIN(date_from), MAX(date_to)
                      FROM sales_target_line WHERE id = ANY(%s)""", (list(line_ids),))
        metrics, first, last = cr.fetchone()
        if not metrics:
            return {}
        with jit_disabled(cr):
            cr.execute(  # pylint: disable=sql-injection
                self._actuals_query(
                    "l.id = ANY(%(ids)s)",
                    "f.metric = ANY(%(metrics)s) AND f.date BETWEEN %(first)s AND %(last)s"),
                {"ids": list(line_ids), "metrics": metrics, "first": first, "last": last})
            return dict(cr.fetchall())

    def _pipeline_query(self):
        """SQL of the weighted pipeline, in the columns of the facts (date,
        metric, company_id, user_id, team_id, distributor_id, categ_id,
        amount): each open opportunity (type ``opportunity``, active: a lost
        one is archived; not in a won stage, as Odoo's pipeline), weighted by
        ``expected_revenue`` × ``probability`` / 100, on its expected closing
        date
        (``date_deadline``; an opportunity without one is not counted), for
        its salesperson, team and company, and for the distributor of its
        customer like an order.  Opportunities have no product: no category."""
        return """SELECT lead.date_deadline AS date, 'sales'::varchar AS metric,
       lead.company_id, lead.user_id, lead.team_id, %(distributor)s AS distributor_id,
       NULL::integer AS categ_id,
       COALESCE(lead.expected_revenue, 0) * COALESCE(lead.probability, 0) / 100.0 AS amount
FROM crm_lead lead
LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
LEFT JOIN res_partner customer_contact ON customer_contact.id = lead.partner_id
LEFT JOIN res_partner customer ON customer.id = customer_contact.commercial_partner_id
WHERE lead.type = 'opportunity' AND lead.active AND lead.date_deadline IS NOT NULL
  AND NOT COALESCE(stage.is_won, FALSE) AND COALESCE(lead.probability, 0) < 100""" % {
            "distributor": self._distributor("customer")}

    @api.model
    def _line_pipeline(self, line_ids, today):
        """{target line id: weighted pipeline} for the sales lines among
        ``line_ids`` whose period has not ended on ``today``, in one aggregate
        (the same matching of keys and months as the actuals,
        ``_actuals_query``, over the opportunities instead of the facts).

        An opportunity counts for a line when its expected closing date lies
        in the line's period, overdue ones included: an open opportunity whose
        date has passed inside the period is still expected in it until the
        salesperson moves its date or closes it.  Lines for a product category
        get none (an opportunity has no product): their projection is the
        run rate (``sales.target.line._progress_values``)."""
        if not line_ids:
            return {}
        self.env.flush_all()
        cr = self.env.cr
        with jit_disabled(cr):
            cr.execute(  # pylint: disable=sql-injection
                self._actuals_query(
                    "l.id = ANY(%(ids)s) AND l.metric = 'sales' AND l.categ_id IS NULL "
                    "AND l.date_to >= %(today)s",
                    "f.date BETWEEN (SELECT MIN(date_from) FROM line) "
                    "AND (SELECT MAX(date_to) FROM line)",
                    "(%s)" % self._pipeline_query()),
                {"ids": list(line_ids), "today": today})
            return {line_id: amount for line_id, amount in cr.fetchall() if amount}

    def _category_ancestors_join(self, fact, ancestor):
        """Joins giving ``ancestor.id``: the category of ``fact`` and each
        category it lies under (from its ``parent_path``, "1/5/9/")."""
        return (f"JOIN product_category c ON c.id = {fact}.categ_id\n"
                "CROSS JOIN LATERAL unnest(string_to_array(rtrim(c.parent_path, '/'), '/')"
                f"::int[]) AS {ancestor}(id)")

    def _actuals_query(self, line_condition="TRUE", fact_condition=None,
                       source="sales_target_fact"):
        """SQL giving (line_id, actual_amount) for the target lines matching
        ``line_condition`` (a condition on ``l``, the sales_target_line table;
        the module's own text, values as parameters).  ``fact_condition`` (on
        ``f``, the facts) narrows the facts read; by default those of the
        lines' metrics and dates.  ``source`` is the table or subquery of the
        facts (the opportunities for ``_line_pipeline``).

        One aggregate for any number of lines.  The facts of the lines'
        metrics and dates are summed per month and keys first, then once for
        each shape of line
        that occurs (which of team, salesperson, distributor and product
        category it sets: a key a line leaves empty is -1, "any"; an empty key
        of a fact is 0); facts of a category also count for its parent
        categories.  Each line then takes, by equality on its keys and a range
        on the month, the sums of the months of its period.  Periods are whole
        months, so the monthly sums are exact.
        """
        patterns = [tuple(bool(bit & (1 << i)) for i in range(4)) for bit in range(16)]
        return """
WITH line AS (
    SELECT l.id, l.metric, l.company_id, l.date_from, l.date_to,
           COALESCE(l.team_id, -1) AS team_key, COALESCE(l.user_id, -1) AS user_key,
           COALESCE(l.partner_id, -1) AS distributor_key,
           COALESCE(l.categ_id, -1) AS categ_key
    FROM sales_target_line l
    WHERE %(condition)s
),
fact AS (
    SELECT date_trunc('month', f.date)::date AS month, f.metric, f.company_id,
           f.team_id, f.user_id, f.distributor_id, f.categ_id, SUM(f.amount) AS amount
    FROM %(source)s f
    WHERE %(facts)s
    GROUP BY 1, 2, 3, 4, 5, 6, 7
),
fact_category AS (
    SELECT fact.month, fact.metric, fact.company_id, fact.team_id, fact.user_id,
           fact.distributor_id, ancestor.id AS categ_id, fact.amount
    FROM fact
    %(ancestors)s
    WHERE EXISTS (SELECT 1 FROM line WHERE line.categ_key <> -1)
),
monthly AS (%(branches)s
)
SELECT line.id AS line_id, COALESCE(SUM(monthly.amount), 0) AS actual_amount
FROM line
LEFT JOIN monthly
  ON monthly.metric = line.metric AND monthly.company_id = line.company_id
 AND monthly.team_key = line.team_key AND monthly.user_key = line.user_key
 AND monthly.distributor_key = line.distributor_key
 AND monthly.categ_key = line.categ_key
 AND monthly.month BETWEEN line.date_from AND line.date_to
GROUP BY line.id
""" % {"condition": line_condition, "source": source,
       "facts": fact_condition or """f.metric IN (SELECT metric FROM line)
      AND f.date >= (SELECT MIN(date_from) FROM line)
      AND f.date <= (SELECT MAX(date_to) FROM line)""",
       "ancestors": self._category_ancestors_join("fact", "ancestor"),
       "branches": "\n    UNION ALL".join(self._pattern_branch(p) for p in patterns)}

    @staticmethod
    def _pattern_branch(pattern):
        """Monthly sums of the facts for the lines whose set keys are ``pattern``."""
        source = "fact_category" if pattern[3] else "fact"
        columns, group_by, line_shape = [], [], []
        for (key, column), present in zip(_LINE_KEYS, pattern, strict=True):
            if present:
                columns.append("COALESCE(%s, 0) AS %s" % (column, key))
                group_by.append(column)
                line_shape.append("line.%s <> -1" % key)
            else:
                columns.append("-1 AS %s" % key)
                line_shape.append("line.%s = -1" % key)
        # The EXISTS is evaluated once: a branch no line needs costs nothing.
        return """
    SELECT month, metric, company_id, %s, SUM(amount) AS amount
    FROM %s
    WHERE EXISTS (SELECT 1 FROM line WHERE %s)
    GROUP BY month, metric, company_id%s""" % (
            ", ".join(columns), source, " AND ".join(line_shape),
            "".join(", " + column for column in group_by))
