from odoo import fields, models, tools

from ..models.sales_target_line import METRICS


class SalesTargetFact(models.Model):
    """The actuals behind the targets, one row per business fact (SQL view).

    * ``sales`` and ``margin``: each line of a confirmed sale order (state
      ``sale``/``done``), untaxed subtotal and ``sale_margin``'s margin, in the
      company currency (the order currency converted at the rate of the order
      date).
    * ``new_customers``: 1 for each commercial partner, on the date of its first
      confirmed order, attributed like that order.
    * ``collections``: each posted customer payment, in the company currency
      (from its receivable journal items), attributed to the salesperson and
      team of each invoice it is reconciled with, for the amount reconciled;
      what is not reconciled with an invoice goes to the customer's
      salesperson and team.

    Dates are local dates in the time zone of the company (its partner's
    time zone, UTC when not set), so that an order confirmed at 23:59 in
    Shanghai counts on that day.  Orders count for the distributor when the
    customer is a distributor or is served by one.
    """

    _name = "sales.target.fact"
    _description = "Sales Target Actual (fact)"
    _auto = False
    _rec_name = "date"
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

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
CREATE OR REPLACE VIEW sales_target_fact AS (
WITH company_tz AS (
    SELECT c.id AS company_id, c.currency_id, COALESCE(p.tz, 'UTC') AS tz
    FROM res_company c JOIN res_partner p ON p.id = c.partner_id
),
customer AS (
    SELECT p.id,
           cp.id AS commercial_id,
           CASE WHEN cp.is_distributor THEN cp.id ELSE cp.sales_distributor_id END
               AS distributor_id
    FROM res_partner p JOIN res_partner cp ON cp.id = p.commercial_partner_id
),
confirmed_order AS (
    SELECT so.id, so.company_id, so.user_id, so.team_id,
           (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE ct.tz)::date AS date,
           cu.commercial_id, cu.distributor_id,
           CASE WHEN pl.currency_id = ct.currency_id THEN 1.0 ELSE COALESCE((
               SELECT r.rate FROM res_currency_rate r
               WHERE r.currency_id = pl.currency_id AND r.name <= so.date_order
                 AND (r.company_id IS NULL OR r.company_id = so.company_id)
               ORDER BY r.name DESC LIMIT 1), 1.0) END AS rate
    FROM sale_order so
    JOIN company_tz ct ON ct.company_id = so.company_id
    JOIN product_pricelist pl ON pl.id = so.pricelist_id
    JOIN customer cu ON cu.id = so.partner_id
    WHERE so.state IN ('sale', 'done')
),
order_line AS (
    SELECT o.date, o.company_id, o.user_id, o.team_id, o.distributor_id,
           o.commercial_id, pt.categ_id,
           sol.price_subtotal / o.rate AS sales,
           COALESCE(sol.margin, 0) / o.rate AS margin
    FROM sale_order_line sol
    JOIN confirmed_order o ON o.id = sol.order_id
    LEFT JOIN product_product pp ON pp.id = sol.product_id
    LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
),
first_order AS (
    SELECT DISTINCT ON (o.commercial_id) o.*
    FROM confirmed_order o
    ORDER BY o.commercial_id, o.date, o.id
),
payment AS (
    SELECT ap.id, ap.company_id, ap.partner_id,
           (ap.payment_date)::date AS date,
           aml.id AS move_line_id,
           aml.credit - aml.debit AS amount
    FROM account_payment ap
    JOIN account_move_line aml ON aml.payment_id = ap.id
    JOIN account_account aa ON aa.id = aml.account_id AND aa.internal_type = 'receivable'
    WHERE ap.payment_type = 'inbound' AND ap.partner_type = 'customer'
      AND ap.state IN ('posted', 'sent', 'reconciled')
),
payment_share AS (
    -- what each payment paid of each invoice (reconciled amounts, company currency)
    SELECT p.id AS payment_id, inv.user_id, inv.team_id, SUM(apr.amount) AS amount
    FROM payment p
    JOIN account_partial_reconcile apr ON apr.credit_move_id = p.move_line_id
    JOIN account_move_line inv_line ON inv_line.id = apr.debit_move_id
    JOIN account_invoice inv ON inv.id = inv_line.invoice_id
    GROUP BY p.id, inv.user_id, inv.team_id
    UNION ALL
    -- the rest, not reconciled with an invoice: the customer's salesperson and team
    SELECT p.id, cp.user_id, cp.team_id,
           p.amount - COALESCE((SELECT SUM(apr.amount) FROM account_partial_reconcile apr
                                JOIN account_move_line inv_line
                                  ON inv_line.id = apr.debit_move_id
                                 AND inv_line.invoice_id IS NOT NULL
                                WHERE apr.credit_move_id = p.move_line_id), 0)
    FROM payment p
    JOIN customer cu ON cu.id = p.partner_id
    JOIN res_partner cp ON cp.id = cu.commercial_id
)
SELECT row_number() OVER () AS id, facts.*
FROM (
    SELECT date, 'sales'::varchar AS metric, company_id, user_id, team_id,
           distributor_id, commercial_id AS partner_id, categ_id, sales AS amount
    FROM order_line
    UNION ALL
    SELECT date, 'margin', company_id, user_id, team_id,
           distributor_id, commercial_id, categ_id, margin
    FROM order_line
    UNION ALL
    SELECT date, 'new_customers', company_id, user_id, team_id,
           distributor_id, commercial_id, NULL, 1.0
    FROM first_order
    UNION ALL
    SELECT p.date, 'collections', p.company_id, ps.user_id, ps.team_id,
           cu.distributor_id, cu.commercial_id, NULL, ps.amount
    FROM payment p
    JOIN payment_share ps ON ps.payment_id = p.id AND ps.amount <> 0
    JOIN customer cu ON cu.id = p.partner_id
) facts
)""")
