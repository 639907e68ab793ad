"""Hand-written SQL references of the benchmarks, straight from the base tables.

Each benchmark times an operation of the addon next to a query a person would
write by hand to compute the same figures, with the same attribution, from
Odoo's own tables (never from the addon's SQL views), and checks that both
give the same numbers.  This module holds the part they share: the business
facts behind the targets, written for a window of local dates so that the
date filter reaches every table.

The attribution (the same as the addon's, see ``sales.target.fact``):

* sales and margin: each line of a confirmed order (``sale``/``done``), on the
  order's date in the company's time zone (its partner's ``tz``, UTC when
  empty), untaxed subtotal and ``sale_margin``'s margin divided by the rate of
  the order's currency (its pricelist's) at the order's date (the latest rate
  dated on or before it, of the order's company or of none; 1 when there is
  none or in the company's currency); salesperson and team of the order;
  product category of the line's product;
* new customers: 1 for each commercial partner on the local date of its first
  confirmed order (by date, then id), attributed like that order;
* collections: each posted customer payment's receivable journal items, on
  the payment date: the amount reconciled with each invoice goes to the
  invoice's salesperson and team, the rest to the customer's (the commercial
  partner's) salesperson and team;
* the distributor of a fact is the commercial partner when it is a
  distributor, else the distributor that serves it (``sales_distributor_id``).
"""

# The local date of an order: the company's time zone (its partner's).
LOCAL_DAY = ("(so.date_order AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(ctz.tz, 'UTC'))::date")
DISTRIBUTOR = "CASE WHEN cp.is_distributor THEN cp.id ELSE cp.sales_distributor_id END"

# The confirmed orders whose UTC timestamp can fall on a local date of the
# window (time zones are within ±14 h), with their local date, customer and
# currency rate (computed once per order, not per line).
_ORDERS = """
    SELECT so.id, so.company_id, so.user_id, so.team_id, %(day)s AS day,
           %(distributor)s AS distributor_id,
           CASE WHEN pl.currency_id = c.currency_id THEN 1.0 ELSE COALESCE((
               SELECT r.rate FROM res_currency_rate r
               WHERE r.currency_id = pl.currency_id AND r.name <= so.date_order
                 AND (r.company_id IS NULL OR r.company_id = so.company_id)
               ORDER BY r.name DESC LIMIT 1), 1.0) END AS rate
    FROM sale_order so
    JOIN res_company c ON c.id = so.company_id
    JOIN res_partner ctz ON ctz.id = c.partner_id
    JOIN product_pricelist pl ON pl.id = so.pricelist_id
    JOIN res_partner contact ON contact.id = so.partner_id
    JOIN res_partner cp ON cp.id = contact.commercial_partner_id
    WHERE so.state IN ('sale', 'done')
      AND so.date_order >= %(start)s::date - 1 AND so.date_order < %(stop)s::date + 2
      %(where)s""" % {"day": LOCAL_DAY, "distributor": DISTRIBUTOR, "start": "%(start)s",
                      "stop": "%(stop)s", "where": "%(where)s"}

_ORDER_LINES = """
SELECT o.day, o.company_id, o.user_id, o.team_id, o.distributor_id, pt.categ_id,
       sol.price_subtotal / o.rate AS sales, COALESCE(sol.margin, 0) / o.rate AS margin,
       0 AS new_customers, 0 AS collections
FROM (%(orders)s
) o
JOIN sale_order_line sol ON sol.order_id = o.id
LEFT JOIN product_product pp ON pp.id = sol.product_id
LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
WHERE o.day BETWEEN %(start)s AND %(stop)s"""

# The first confirmed order of each commercial partner, over all time (an
# order is the first one even when the window starts after it).
_NEW_CUSTOMERS = """
SELECT f.day, f.company_id, f.user_id, f.team_id, f.distributor_id, NULL::int AS categ_id,
       0 AS sales, 0 AS margin, 1 AS new_customers, 0 AS collections
FROM (
    SELECT DISTINCT ON (cp.id) so.company_id, so.user_id, so.team_id,
           %(day)s AS day, %(distributor)s AS distributor_id
    FROM sale_order so
    JOIN res_company c ON c.id = so.company_id
    JOIN res_partner ctz ON ctz.id = c.partner_id
    JOIN res_partner contact ON contact.id = so.partner_id
    JOIN res_partner cp ON cp.id = contact.commercial_partner_id
    WHERE so.state IN ('sale', 'done')
    ORDER BY cp.id, %(day)s, so.id
) f
WHERE f.day BETWEEN %(start)s AND %(stop)s""" % {
    "day": LOCAL_DAY, "distributor": DISTRIBUTOR, "start": "%(start)s", "stop": "%(stop)s"}

_PAYMENTS = """
    FROM account_payment ap
    JOIN account_move_line aml ON aml.payment_id = ap.id
    JOIN account_account aa ON aa.id = aml.account_id AND aa.internal_type = 'receivable'
    JOIN res_partner contact ON contact.id = ap.partner_id
    JOIN res_partner cp ON cp.id = contact.commercial_partner_id"""
_PAYMENTS_WHERE = """ap.payment_type = 'inbound' AND ap.partner_type = 'customer'
  AND ap.state IN ('posted', 'sent', 'reconciled')
  AND ap.payment_date BETWEEN %(start)s AND %(stop)s"""

_RECONCILED = """
SELECT ap.payment_date AS day, ap.company_id, inv.user_id, inv.team_id,
       %(distributor)s AS distributor_id, NULL::int AS categ_id, 0 AS sales, 0 AS margin,
       0 AS new_customers, apr.amount AS collections
%(payments)s
JOIN account_partial_reconcile apr ON apr.credit_move_id = aml.id
JOIN account_move_line inv_line ON inv_line.id = apr.debit_move_id
JOIN account_invoice inv ON inv.id = inv_line.invoice_id
WHERE %(where)s AND apr.amount <> 0""" % {
    "distributor": DISTRIBUTOR, "payments": _PAYMENTS, "where": _PAYMENTS_WHERE}

_UNRECONCILED = """
SELECT ap.payment_date AS day, ap.company_id, cp.user_id, cp.team_id,
       %(distributor)s AS distributor_id, NULL::int AS categ_id, 0 AS sales, 0 AS margin,
       0 AS new_customers, aml.credit - aml.debit - COALESCE(paid.amount, 0) AS collections
%(payments)s
LEFT JOIN (
    SELECT apr.credit_move_id, SUM(apr.amount) AS amount
    FROM account_partial_reconcile apr
    JOIN account_move_line inv_line
      ON inv_line.id = apr.debit_move_id AND inv_line.invoice_id IS NOT NULL
    GROUP BY apr.credit_move_id
) paid ON paid.credit_move_id = aml.id
WHERE %(where)s AND aml.credit - aml.debit - COALESCE(paid.amount, 0) <> 0""" % {
    "distributor": DISTRIBUTOR, "payments": _PAYMENTS, "where": _PAYMENTS_WHERE}

COLUMNS = ("day", "company_id", "user_id", "team_id", "distributor_id", "categ_id", "sales",
           "margin", "new_customers", "collections")
METRIC_COLUMNS = {"sales": "sales", "margin": "margin", "new_customers": "new_customers",
                  "collections": "collections"}


def facts(metrics=("sales", "margin", "new_customers", "collections"), order_where=""):
    """SQL of the facts of ``metrics`` whose local date lies in
    [%(start)s, %(stop)s], one row per fact with the columns ``COLUMNS`` (the
    metrics as columns, 0 in the others).  ``order_where``: an extra
    condition on the orders ``so`` (e.g. their salesperson), to keep the
    order lines' branch small; the caller filters the facts as it needs."""
    parts = []
    if "sales" in metrics or "margin" in metrics:
        parts.append(_ORDER_LINES.replace(
            "%(orders)s", _ORDERS.replace("%(where)s", order_where and "AND " + order_where)))
    if "new_customers" in metrics:
        parts.append(_NEW_CUSTOMERS)
    if "collections" in metrics:
        parts += [_RECONCILED, _UNRECONCILED]
    return "\nUNION ALL".join(parts)


def working_days(first, last):
    """SQL of the number of Monday-to-Friday days from ``first`` to ``last``
    (SQL date expressions), inclusive."""
    return ("(SELECT COUNT(*) FROM generate_series((%s)::date, (%s)::date, interval '1 day') g "
            "WHERE EXTRACT(isodow FROM g) < 6)" % (first, last))


def differ(expected, found, tolerance=0.01):
    """The keys of two {key: [numbers]} whose numbers differ by more than
    ``tolerance`` (a key missing on one side counts as zeros)."""
    width = max([len(v) for v in list(expected.values()) + list(found.values())] or [0])
    zeros = [0.0] * width
    return sorted((key for key in set(expected) | set(found)
                   if any(abs(float(a or 0) - float(b or 0)) > tolerance for a, b in zip(
                       expected.get(key, zeros), found.get(key, zeros), strict=True))),
                  key=repr)


class CheckFailed(Exception):
    """A hand-written reference gave other numbers than the operation."""


def check(label, expected, found, tolerance=0.01):
    """Compare {key: [numbers]}; raise ``CheckFailed`` with examples when they
    differ, else return a short line for the report."""
    keys = differ(expected, found, tolerance)
    if keys:
        examples = "; ".join("%r: reference %r, operation %r" % (
            key, expected.get(key), found.get(key)) for key in keys[:3])
        raise CheckFailed("%s: the hand-written SQL and the operation DIFFER on %d of %d "
                          "keys (e.g. %s)" % (label, len(keys), len(set(expected) | set(found)),
                                             examples))
    return "%s: equal on %d keys" % (label, len(set(expected) | set(found)))
