"""Benchmark of the target actuals on a large company (not part of the test suite).

    .venv/bin/python tests/benchmarks/bench_target_actuals.py [--salespeople 200]
        [--teams 10] [--order-lines 100000] [--payments 20000] [--runs 5] [--keep]
        [--plain-data] [--json FILE]

Creates a throw-away database with the addon, fills it in bulk (SQL) with teams,
salespeople, customers, confirmed / cancelled / draft orders over two years,
posted customer payments and a year's target plan decomposed to teams and
salespeople by month; then (``build_attribution``, unless ``--plain-data``)
puts the company in Asia/Shanghai, one order in 10 in EUR, one payment in 5
reconciled with an invoice of another salesperson, the product categories
under two parents, and a second plan of category and distributor targets.

It also fills the pipeline (``build_pipeline``): opportunities of every
salesperson expected to close from two months ago to two months ahead, open,
won and lost.

It prints, for each measured operation (the actuals of 100, 1,000 and all
lines of the plan through the ORM, of the second plan's lines, the
achievement pivot, the forecast of all the lines of both plans), the
median wall time of several runs, the number of SQL queries, and the time
of a hand-written SQL that computes the same figures from the base tables
with the same attribution (``reference_sql``), after checking that it gives
the same numbers (the script fails loudly if not).
Nothing here asserts on time.
"""

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import reference_sql

import odoo

ROOT = Path(__file__).resolve().parents[2]
METRICS = ("sales", "margin", "new_customers", "collections")


def run_odoo_install(conf, db):
    subprocess.run(
        [sys.executable, str(ROOT / "setup" / "odoo-bin"), "-c", str(conf), "-d", db,
         "-i", "sales_process_mgmt,l10n_generic_coa", "--without-demo=all",
         "--stop-after-init", "--log-level=warn"], check=True)


def write_conf(db):
    conf = ROOT / "var" / ("odoo-%s.conf" % db)
    conf.parent.mkdir(exist_ok=True)
    conf.write_text("[options]\naddons_path = %s\ndata_dir = %s\ndb_name = %s\n"
                    "db_host = False\ndb_port = 5432\nwithout_demo = all\n"
                    % (ROOT, ROOT / "var" / "data", db))
    return conf


def build_company(env, args):
    """Teams, salespeople, products through the ORM; the volume through SQL."""
    rnd = random.Random(42)
    cr = env.cr
    company = env.ref("base.main_company")
    salesperson_group = env.ref("sales_process_mgmt.group_salesperson")
    users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    teams = env["crm.team"]
    for index in range(args.teams):
        leader = users.create({"name": "Leader %02d" % index, "login": "leader%02d" % index,
                               "groups_id": [(4, env.ref(
                                   "sales_process_mgmt.group_supervisor").id)]})
        teams |= env["crm.team"].create({"name": "Region %02d" % index, "user_id": leader.id})
        leader.sale_team_id = teams[-1]
    salespeople = []
    for index in range(args.salespeople):
        team = teams[index % len(teams)]
        user = users.create({"name": "Salesperson %03d" % index, "login": "sp%03d" % index,
                             "groups_id": [(4, salesperson_group.id)]})
        user.sale_team_id = team
        salespeople.append((user.id, team.id))
    categories = env["product.category"]
    for name in ("Drinks", "Food", "Household", "Personal Care", "Snacks"):
        categories |= env["product.category"].create({"name": name})
    products = [env["product.product"].create({
        "name": "Product %02d" % index, "categ_id": categories[index % 5].id,
        "standard_price": 10.0 + index}).id for index in range(20)]
    uom = env.ref("product.product_uom_unit").id
    pricelist = env["product.pricelist"].search([], limit=1).id

    # Customers: each belongs to a salesperson; one in 50 is a distributor and one
    # in 10 buys through one.
    cr.execute("""
        INSERT INTO res_partner (name, display_name, active, customer, is_company,
                                 company_id, type, invoice_warn, sale_warn, user_id, team_id,
                                 is_distributor, create_date, write_date)
        SELECT 'Customer ' || n, 'Customer ' || n, TRUE, TRUE, TRUE, %s, 'contact',
               'no-message', 'no-message', (%s::int[])[1 + n %% %s], NULL, n %% 50 = 0,
               now(), now()
        FROM generate_series(1, %s) n RETURNING id
    """, (company.id, [u for u, _t in salespeople], len(salespeople), args.customers))
    customers = [row[0] for row in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
               (customers,))
    distributors = [c for i, c in enumerate(customers, 1) if i % 50 == 0]
    cr.execute("""
        UPDATE res_partner p SET team_id = u.sale_team_id,
               sales_distributor_id = CASE WHEN p.id %% 10 = 1
                                           THEN (%s::int[])[1 + p.id %% %s] END
        FROM res_users u WHERE u.id = p.user_id AND p.id = ANY(%s)
          AND NOT p.is_distributor
    """, (distributors, len(distributors), customers))

    # Orders over the last two years: 85 % confirmed, 10 % cancelled, 5 % draft.
    orders = args.order_lines // 4
    order_rows = []
    for index in range(orders):
        customer = rnd.choice(customers)
        user, team = salespeople[customer % len(salespeople)]
        state = rnd.choices(("sale", "cancel", "draft"), (85, 10, 5))[0]
        day = rnd.randrange(730)
        order_rows.append(("SO%06d" % index, day, customer, user, team, state))
    cr.execute("CREATE TEMP TABLE bench_order (name varchar, day int, partner int, "
               "usr int, team int, state varchar)")
    cr.execute("INSERT INTO bench_order VALUES " + ",".join(
        cr.mogrify("(%s,%s,%s,%s,%s,%s)", row).decode() for row in order_rows))
    cr.execute("""
        INSERT INTO sale_order (name, date_order, partner_id, partner_invoice_id,
                                partner_shipping_id, pricelist_id, company_id, user_id,
                                team_id, state, create_date, write_date)
        SELECT name, now() - make_interval(days => day), partner, partner, partner, %s, %s,
               usr, team, state, now(), now()
        FROM bench_order RETURNING id
    """, (pricelist, company.id))
    order_ids = [row[0] for row in cr.fetchall()]
    cr.execute("""
        INSERT INTO sale_order_line (order_id, name, price_unit, product_id, product_uom_qty,
                                     product_uom, customer_lead, price_subtotal, margin,
                                     company_id, state, create_date, write_date)
        SELECT o.id, 'line', price, (%s::int[])[1 + (o.id * 7 + k) %% 20], qty, %s, 0,
               price * qty, price * qty * 0.3, %s, o.state, now(), now()
        FROM sale_order o, generate_series(1, 4) k,
             LATERAL (SELECT 10 + (o.id * 13 + k * 7) %% 90 AS price,
                             1 + (o.id + k) %% 5 AS qty) v
        WHERE o.id = ANY(%s)
    """, (products, uom, company.id, order_ids))

    # Posted customer payments with their journal entry (receivable credit, bank debit).
    journal = env["account.journal"].search([("type", "=", "bank")], limit=1)
    receivable = env["account.account"].search(
        [("internal_type", "=", "receivable")], limit=1)
    method = env.ref("account.account_payment_method_manual_in").id
    cr.execute("""
        CREATE TEMP TABLE bench_payment AS
        SELECT n, (%s::int[])[1 + (n * 31) %% %s] AS partner,
               (current_date - (n %% 730))::date AS day, 50 + (n * 17) %% 950 AS amount
        FROM generate_series(1, %s) n
    """, (customers, len(customers), args.payments))
    cr.execute("""
        INSERT INTO account_payment (name, payment_type, partner_type, payment_method_id,
                                     amount, currency_id, payment_date, journal_id,
                                     partner_id, state, company_id, create_date, write_date)
        SELECT 'PAY' || n, 'inbound', 'customer', %s, amount, %s, day, %s, partner,
               'posted', %s, now(), now()
        FROM bench_payment ORDER BY n
    """, (method, company.currency_id.id, journal.id, company.id))
    cr.execute("""
        INSERT INTO account_move (name, date, journal_id, state, company_id, ref, amount,
                                  create_date, write_date)
        SELECT 'BNK/' || p.id, p.payment_date, p.journal_id, 'posted', p.company_id,
               p.name, p.amount, now(), now()
        FROM account_payment p WHERE p.name LIKE 'PAY%%'
    """)
    cr.execute("""
        INSERT INTO account_move_line (name, move_id, account_id, date, date_maturity,
                                       journal_id, partner_id, payment_id, debit, credit,
                                       balance, company_id, create_date, write_date)
        SELECT m.ref, m.id, acc, m.date, m.date, m.journal_id, p.partner_id, p.id,
               CASE WHEN side = 'debit' THEN p.amount ELSE 0 END,
               CASE WHEN side = 'credit' THEN p.amount ELSE 0 END,
               CASE WHEN side = 'debit' THEN p.amount ELSE -p.amount END,
               m.company_id, now(), now()
        FROM account_move m JOIN account_payment p ON p.name = m.ref,
             LATERAL (VALUES ('credit', %s), ('debit', %s)) AS s(side, acc)
    """, (receivable.id, journal.default_debit_account_id.id))
    return teams, salespeople


def build_pipeline(env, salespeople, per_salesperson):
    """``per_salesperson`` opportunities of each salesperson, for customers of
    theirs, expected to close within two months of today (some overdue, some
    in the next period), in the stages New, Qualified and Proposition; one in
    10 won (the Won stage, 100 %), one in 10 lost (archived), one in 20
    without an expected date."""
    cr = env.cr
    company = env.ref("base.main_company")
    cr.execute("SELECT id, probability FROM crm_stage ORDER BY sequence, id")
    stages = cr.fetchall()
    open_stages = [stage for stage, probability in stages if probability < 100]
    won = [stage for stage, probability in stages if probability >= 100][0]
    cr.execute("""
        INSERT INTO crm_lead (name, type, active, user_id, team_id, partner_id, company_id,
                              planned_revenue, probability, stage_id, date_deadline,
                              create_date, write_date)
        SELECT 'Opportunity ' || sp.usr || '-' || k, 'opportunity', k %% 10 <> 7, sp.usr,
               sp.team,
               (SELECT p.id FROM res_partner p WHERE p.user_id = sp.usr
                ORDER BY p.id OFFSET k %% 5 LIMIT 1),
               %(company)s, 1000 * (1 + (sp.usr * 7 + k * 13) %% 40),
               CASE WHEN k %% 10 = 3 THEN 100 ELSE (5 + (sp.usr + k * 11) %% 19 * 5) END,
               CASE WHEN k %% 10 = 3 THEN %(won)s
                    ELSE (%(open)s::int[])[1 + (sp.usr + k) %% %(n_open)s] END,
               CASE WHEN k %% 20 <> 9
                    THEN current_date + ((sp.usr * 17 + k * 29) %% 121 - 60) END,
               now(), now()
        FROM unnest(%(users)s::int[], %(teams)s::int[]) AS sp(usr, team),
             generate_series(1, %(per)s) k
    """, {"company": company.id, "won": won, "open": open_stages, "n_open": len(open_stages),
          "users": [u for u, _t in salespeople], "teams": [t for _u, t in salespeople],
          "per": per_salesperson})
    cr.execute("ANALYZE crm_lead")
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Opportunity %%'")
    return cr.fetchone()[0]


def build_targets(env, teams, salespeople):
    """The year's plan: company, team and salesperson targets per metric, by month."""
    year = time.localtime().tm_year
    plan = env["sales.target"].create({"name": "Bench %s" % year,
                                       "date_from": "%s-01-01" % year,
                                       "date_to": "%s-12-31" % year})
    cr = env.cr
    months = ["%s-%02d-01" % (year, m) for m in range(1, 13)]
    rows = []
    for metric in METRICS:
        rows.append((metric, None, None, "%s-01-01" % year, 12))
        for team in teams:
            rows.append((metric, team.id, None, "%s-01-01" % year, 12))
            rows.extend((metric, team.id, None, month, 1) for month in months)
        for user, team in salespeople:
            rows.extend((metric, team, user, month, 1) for month in months)
    cr.execute("""
        INSERT INTO sales_target_line (target_id, company_id, metric, team_id, user_id,
                                       date_from, date_to, period_type, owner_type,
                                       target_amount, create_date, write_date)
        SELECT %s, %s, metric, team, usr, start::date,
               (start::date + make_interval(months => months))::date - 1,
               CASE months WHEN 12 THEN 'year' ELSE 'month' END,
               CASE WHEN usr IS NOT NULL THEN 'salesperson'
                    WHEN team IS NOT NULL THEN 'team' ELSE 'company' END,
               1000, now(), now()
        FROM unnest(%s::varchar[], %s::int[], %s::int[], %s::varchar[], %s::int[])
             AS t(metric, team, usr, start, months)
    """, (plan.id, plan.company_id.id, [r[0] for r in rows], [r[1] for r in rows],
          [r[2] for r in rows], [r[3] for r in rows], [r[4] for r in rows]))
    cr.execute("ANALYZE")
    return plan


def build_attribution(env, salespeople, teams_count):
    """What makes the attribution of the facts non-trivial, so that the
    hand-written references are checked on it (the benchmarks' default; not
    in ``setup/generate-data``'s data):

    * the company works in Asia/Shanghai (UTC+8): an order's local date is not
      its UTC date after 16:00 UTC;
    * one order in 10 is in EUR (a pricelist in EUR), converted at the rate of
      its date (a rate on the first of each month over two years);
    * one posted payment in 5 is reconciled with an invoice of another
      salesperson (of another team): 60 % of it, or all of it for one in 25;
    * the five product categories are grouped under two parents;
    * a second plan of the year (``Bench attribution``) holds company targets
      per product category (leaves and parents, sales and margin), team ×
      parent category targets, distributor targets (20 distributors, the four
      metrics) and salesperson × distributor targets, by month.

    Returns the second plan.
    """
    cr = env.cr
    company = env.ref("base.main_company")
    company.partner_id.tz = "Asia/Shanghai"
    year = time.localtime().tm_year

    # Orders in EUR, with a rate on the first of each month.
    eur = env.ref("base.EUR")
    eur.active = True
    pricelist = env["product.pricelist"].create({"name": "Bench EUR", "currency_id": eur.id})
    cr.execute("""
        INSERT INTO res_currency_rate (name, rate, currency_id, company_id, create_date,
                                       write_date)
        SELECT (date_trunc('month', current_date) - make_interval(months => k))::date,
               0.80 + 0.01 * (k %% 15), %s, %s, now(), now()
        FROM generate_series(0, 26) k
        ON CONFLICT DO NOTHING
    """, (eur.id, company.id))
    cr.execute("UPDATE sale_order SET pricelist_id = %s WHERE id %% 10 = 3 AND name LIKE 'SO%%'",
               (pricelist.id,))
    cr.execute("UPDATE sale_order_line sol SET currency_id = %s FROM sale_order so "
               "WHERE so.id = sol.order_id AND so.pricelist_id = %s", (eur.id, pricelist.id))

    # Invoices of another salesperson, reconciled with a part of the payments.
    users = [u for u, _t in salespeople]
    team_of = dict(salespeople)
    receivable = env["account.account"].search([("internal_type", "=", "receivable")], limit=1)
    journal = env["account.journal"].search([("type", "=", "sale")], limit=1)
    cr.execute("""
        CREATE TEMP TABLE bench_invoice AS
        SELECT ap.id AS payment, ap.partner_id, ap.payment_date, ap.company_id,
               aml.id AS payment_line,
               round(CASE WHEN ap.id %% 25 = 0 THEN ap.amount ELSE ap.amount * 0.6 END, 2)
                   AS amount,
               (%(users)s::int[])[1 + (array_position(%(users)s::int[], c.user_id) %% %(n)s)]
                   AS usr
        FROM account_payment ap
        JOIN account_move_line aml ON aml.payment_id = ap.id AND aml.account_id = %(recv)s
        JOIN res_partner c ON c.id = ap.partner_id
        WHERE ap.id %% 5 = 0 AND ap.name LIKE 'PAY%%'
    """, {"users": users, "n": len(users), "recv": receivable.id})
    cr.execute("ALTER TABLE bench_invoice ADD COLUMN team int, ADD COLUMN invoice int, "
               "ADD COLUMN move int")
    cr.execute("UPDATE bench_invoice SET team = (%s::int[])[array_position(%s::int[], usr)]",
               ([team_of[u] for u in users], users))
    cr.execute("""
        WITH m AS (
            INSERT INTO account_move (name, date, journal_id, state, company_id, ref, amount,
                                      create_date, write_date)
            SELECT 'INV/BENCH/' || payment, payment_date - 10, %s, 'posted', company_id,
                   'INVB' || payment, amount, now(), now()
            FROM bench_invoice RETURNING id, ref)
        UPDATE bench_invoice b SET move = m.id FROM m WHERE m.ref = 'INVB' || b.payment
    """, (journal.id,))
    cr.execute("""
        WITH i AS (
            INSERT INTO account_invoice (number, move_name, reference_type, type, state,
                                         date_invoice, date_due, partner_id,
                                         commercial_partner_id, account_id, move_id,
                                         amount_untaxed, amount_untaxed_signed, amount_tax,
                                         amount_total, amount_total_signed,
                                         amount_total_company_signed, currency_id,
                                         journal_id, company_id, reconciled, residual,
                                         residual_signed, residual_company_signed, user_id,
                                         team_id, create_date, write_date)
            SELECT 'INV/BENCH/' || payment, 'INV/BENCH/' || payment, 'none', 'out_invoice',
                   'paid', payment_date - 10, payment_date + 20, partner_id, partner_id, %s,
                   move, amount, amount, 0, amount, amount, amount, %s, %s, company_id, TRUE,
                   0, 0, 0, usr, team, now(), now()
            FROM bench_invoice RETURNING id, move_id)
        UPDATE bench_invoice b SET invoice = i.id FROM i WHERE i.move_id = b.move
    """, (receivable.id, company.currency_id.id, journal.id))
    cr.execute("""
        WITH lines AS (
            INSERT INTO account_move_line (name, move_id, account_id, date, date_maturity,
                                           journal_id, partner_id, invoice_id, debit, credit,
                                           balance, company_id, create_date, write_date)
            SELECT 'INV/BENCH/' || b.payment, b.move, acc, b.payment_date - 10,
                   b.payment_date + 20, %s, b.partner_id, b.invoice,
                   CASE WHEN acc = %s THEN b.amount ELSE 0 END,
                   CASE WHEN acc = %s THEN 0 ELSE b.amount END,
                   CASE WHEN acc = %s THEN b.amount ELSE -b.amount END,
                   b.company_id, now(), now()
            FROM bench_invoice b, unnest(ARRAY[%s, %s]) acc
            RETURNING id, move_id, account_id)
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount,
                                               company_id, create_date, write_date)
        SELECT l.id, b.payment_line, b.amount, b.company_id, now(), now()
        FROM lines l JOIN bench_invoice b ON b.move = l.move_id
        WHERE l.account_id = %s
    """, (journal.id, receivable.id, receivable.id, receivable.id, receivable.id,
          journal.default_credit_account_id.id, receivable.id))

    # Product categories under two parents.
    categories = {c.name: c for c in env["product.category"].search([
        ("name", "in", ["Drinks", "Food", "Household", "Personal Care", "Snacks"])])}
    parents = {}
    for parent, children in (("Food & Drinks", ("Drinks", "Food", "Snacks")),
                             ("Home & Care", ("Household", "Personal Care"))):
        parents[parent] = env["product.category"].create({"name": parent})
        for child in children:
            categories[child].parent_id = parents[parent]
    categ_ids = [c.id for c in categories.values()] + [p.id for p in parents.values()]

    # The second plan: category, team × category, distributor and salesperson ×
    # distributor targets by month.
    plan = env["sales.target"].create({"name": "Bench attribution %s" % year,
                                       "date_from": "%s-01-01" % year,
                                       "date_to": "%s-12-31" % year})
    cr.execute("SELECT id, user_id, team_id FROM res_partner WHERE is_distributor "
               "AND name LIKE 'Customer %%' ORDER BY id LIMIT 20")
    distributors = cr.fetchall()
    months = ["%s-%02d-01" % (year, m) for m in range(1, 13)]
    rows = []
    for month in months:
        for metric in ("sales", "margin"):
            rows += [(metric, None, None, None, categ, month) for categ in categ_ids]
        rows += [("sales", team, None, None, parent.id, month)
                 for team in sorted(set(team_of.values()))[:teams_count]
                 for parent in parents.values()]
        for partner, user, team in distributors:
            rows += [(metric, None, None, partner, None, month)
                     for metric in ("sales", "margin", "new_customers", "collections")]
            rows.append(("sales", team, user, partner, None, month))
    cr.execute("""
        INSERT INTO sales_target_line (target_id, company_id, metric, team_id, user_id,
                                       partner_id, categ_id, date_from, date_to, period_type,
                                       owner_type, target_amount, create_date, write_date)
        SELECT %s, %s, metric, team, usr, partner, categ, start::date,
               (start::date + interval '1 month')::date - 1, 'month',
               CASE WHEN partner IS NOT NULL THEN 'distributor'
                    WHEN usr IS NOT NULL THEN 'salesperson'
                    WHEN team IS NOT NULL THEN 'team' ELSE 'company' END,
               1000, now(), now()
        FROM unnest(%s::varchar[], %s::int[], %s::int[], %s::int[], %s::int[], %s::varchar[])
             AS t(metric, team, usr, partner, categ, start)
    """, (plan.id, company.id, *[[r[i] for r in rows] for i in range(6)]))
    cr.execute("ANALYZE")
    return plan


# The keys of a target line, in the order of the bits of its shape.
LINE_KEYS = (("team_id", "team_id"), ("user_id", "user_id"), ("partner_id", "distributor_id"),
             ("categ_id", "categ_id"))


def line_actuals_sql(cr, condition, params):
    """SQL of the hand-written actuals of the target lines ``l`` matching
    ``condition`` (with ``params``): (line id, actual), from the base tables.

    The facts of the lines' metrics and window (``reference_sql.facts``) are
    summed by month and by every key (team, salesperson, distributor,
    category), then once more for each shape of line present (which keys the
    line sets; a key a line leaves empty means "any"; the facts of a category
    count for its parents), and each line takes the months of its period
    (periods are whole months: a constraint of the lines).  Reads the lines'
    shapes, metrics and window first (one query).
    """
    shape = " + ".join("(l.%s IS NOT NULL)::int * %d" % (key, 1 << bit)
                       for bit, (key, _fact) in enumerate(LINE_KEYS))
    cr.execute("SELECT MIN(l.date_from), MAX(l.date_to), ARRAY_AGG(DISTINCT %s), "
               "ARRAY_AGG(DISTINCT l.metric) FROM sales_target_line l WHERE %s"
               % (shape, condition), params)
    start, stop, shapes, metrics = cr.fetchone()
    if not shapes:
        return None, {}
    branches = []
    for bits in shapes:
        keys = [(key, fact) for bit, (key, fact) in enumerate(LINE_KEYS) if bits & (1 << bit)]
        category = bits & 8
        group = ["m.month", "m.company_id"] + [
            "a.id" if fact == "categ_id" else "m.%s" % fact for _key, fact in keys]
        select = ["m.month", "m.company_id"] + [
            "a.id AS categ_id" if fact == "categ_id" else "m.%s" % fact for _key, fact in keys]
        branches.append("""
SELECT l.id, SUM(CASE l.metric WHEN 'sales' THEN g.sales WHEN 'margin' THEN g.margin
                               WHEN 'new_customers' THEN g.new_customers
                               ELSE g.collections END) AS actual
FROM l
JOIN (SELECT %(select)s, SUM(m.sales) AS sales, SUM(m.margin) AS margin,
             SUM(m.new_customers) AS new_customers, SUM(m.collections) AS collections
      FROM m%(categories)s
      GROUP BY %(group)s) g
  ON g.company_id = l.company_id AND g.month BETWEEN l.date_from AND l.date_to%(keys)s
WHERE l.shape = %(bits)d
GROUP BY l.id""" % {
            "select": ", ".join(select), "group": ", ".join(group), "bits": bits,
            "categories": "\n      JOIN product_category c ON c.id = m.categ_id"
                          "\n      JOIN product_category a"
                          " ON c.parent_left BETWEEN a.parent_left AND a.parent_right"
                          if category else "",
            "keys": "".join(" AND g.%s = l.%s" % (fact, key) for key, fact in keys)})
    sql = """
WITH l AS (
    SELECT l.id, l.metric, l.company_id, l.date_from, l.date_to, l.team_id, l.user_id,
           l.partner_id, l.categ_id, %(shape)s AS shape
    FROM sales_target_line l WHERE %(condition)s
),
m AS (
    SELECT date_trunc('month', f.day)::date AS month, f.company_id, f.team_id, f.user_id,
           f.distributor_id, f.categ_id, SUM(f.sales) AS sales, SUM(f.margin) AS margin,
           SUM(f.new_customers) AS new_customers, SUM(f.collections) AS collections
    FROM (%(facts)s
    ) f
    GROUP BY 1, 2, 3, 4, 5, 6
)
%(branches)s""" % {"shape": shape, "condition": condition,
                   "facts": reference_sql.facts(metrics),
                   "branches": "\nUNION ALL".join(branches)}
    return sql, dict(params, start=start, stop=stop)


def hand_written_actuals(cr, line_ids):
    """{line id: actual} of ``line_ids``, hand-written (two queries)."""
    sql, params = line_actuals_sql(cr, "l.id = ANY(%(ids)s)", {"ids": list(line_ids)})
    if not sql:
        return {}
    with jit_off(cr):
        cr.execute(sql, params)
        found = dict(cr.fetchall())
    return {line_id: found.get(line_id, 0.0) for line_id in line_ids}


def hand_written_projections(cr, line_ids, today):
    """{line id: projected} of ``line_ids``, hand-written: the actuals
    (``line_actuals_sql``), the weighted pipeline of the open opportunities
    (active, in a stage below 100 %, planned revenue × probability / 100)
    summed by month of their expected date, company, salesperson, team and
    customer's distributor, then joined to each sales line without category
    whose period has not ended on its keys (a key the line leaves empty
    matches any), and for the other lines the run rate over the working days
    elapsed."""
    sql, params = line_actuals_sql(cr, "l.id = ANY(%(ids)s)", {"ids": list(line_ids)})
    params["today"] = today
    with jit_off(cr):
        cr.execute("""
WITH actual AS (%(actuals)s),
opportunity AS (
    SELECT date_trunc('month', o.date_deadline)::date AS month, o.company_id, o.user_id,
           o.team_id,
           CASE WHEN cp.is_distributor THEN cp.id ELSE cp.sales_distributor_id END
               AS distributor_id,
           SUM(o.planned_revenue * o.probability / 100.0) AS weighted
    FROM crm_lead o
    LEFT JOIN crm_stage st ON st.id = o.stage_id
    LEFT JOIN res_partner c ON c.id = o.partner_id
    LEFT JOIN res_partner cp ON cp.id = c.commercial_partner_id
    WHERE o.type = 'opportunity' AND o.active AND o.date_deadline IS NOT NULL
      AND COALESCE(st.probability, 0) < 100
    GROUP BY 1, 2, 3, 4, 5
),
pipeline AS (
    SELECT l.id, SUM(o.weighted) AS weighted
    FROM sales_target_line l
    JOIN opportunity o
      ON o.company_id = l.company_id AND o.month BETWEEN l.date_from AND l.date_to
     AND (l.user_id IS NULL OR o.user_id = l.user_id)
     AND (l.team_id IS NULL OR o.team_id = l.team_id)
     AND (l.partner_id IS NULL OR o.distributor_id = l.partner_id)
    WHERE l.id = ANY(%%(ids)s) AND l.metric = 'sales' AND l.categ_id IS NULL
      AND l.date_to >= %%(today)s
    GROUP BY l.id
)
SELECT l.id,
       CASE WHEN l.metric = 'sales' AND l.categ_id IS NULL
            THEN COALESCE(a.actual, 0) + COALESCE(p.weighted, 0)
            WHEN %%(today)s BETWEEN l.date_from AND l.date_to AND %(elapsed)s > 0
            THEN COALESCE(a.actual, 0) * %(total)s / %(elapsed)s
            ELSE COALESCE(a.actual, 0) END
FROM sales_target_line l
LEFT JOIN actual a ON a.id = l.id
LEFT JOIN pipeline p ON p.id = l.id
WHERE l.id = ANY(%%(ids)s)""" % {
            "actuals": sql,
            "elapsed": reference_sql.working_days("l.date_from", "%(today)s"),
            "total": reference_sql.working_days("l.date_from", "l.date_to")}, params)
        return dict(cr.fetchall())


def hand_written_pivot(cr, plan_id):
    """{(team, metric): (target, actual)} of the plan's lines, hand-written."""
    sql, params = line_actuals_sql(cr, "l.target_id = %(plan)s", {"plan": plan_id})
    with jit_off(cr):
        cr.execute("""
            SELECT l.team_id, l.metric, SUM(l.target_amount), SUM(COALESCE(a.actual, 0))
            FROM sales_target_line l
            LEFT JOIN (%s) a ON a.id = l.id
            WHERE l.target_id = %%(plan)s
            GROUP BY l.team_id, l.metric""" % sql, params)
        return {(team, metric): [target, actual] for team, metric, target, actual
                in cr.fetchall()}


class jit_off:
    """The hand-written queries run without PostgreSQL's JIT, as the addon's
    (the planner over-estimates these aggregates; JIT would only add seconds)."""

    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        self.cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        self.previous = self.cr.fetchone()[0]

    def __exit__(self, *exc):
        if not exc[0]:
            self.cr.execute("SELECT set_config('jit', %s, true)", (self.previous,))


def measure(env, runs, function):
    """Median wall time and highest query count of ``runs`` runs of
    ``function``, the ORM cache emptied before each."""
    times, queries = [], []
    for _run in range(runs):
        env.cache.invalidate()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
        queries.append(env.cr.sql_log_count - before)
    return statistics.median(times), max(queries)


def machine(load):
    return "%s, %d cores, Python %s, PostgreSQL %s; load average (1 min) %s" % (
        platform.processor() or platform.machine(), os.cpu_count(),
        platform.python_version(),
        subprocess.run(["psql", "-XAtc", "SHOW server_version", "postgres"],
                       capture_output=True, text=True).stdout.strip(), load)


def print_table(rows):
    """Print the rows (dicts: label, seconds, queries, reference) as Markdown."""
    print("| operation | median time (s) | SQL queries | hand-written SQL (s) | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        if row.get("reference"):
            print("| %s | %.3f | %d | %.3f | %.1f |" % (
                row["label"], row["seconds"], row["queries"], row["reference"],
                row["seconds"] / row["reference"]))
        else:
            print("| %s | %.3f | %d | | |" % (row["label"], row["seconds"], row["queries"]))


def write_json(path, payload):
    if path:
        Path(path).write_text(json.dumps(payload, indent=1, default=str))


def measure_targets(env, runs, plan, attribution_plan):
    """The target actuals through the ORM and the achievement pivot, each next
    to its hand-written reference (checked equal)."""
    cr = env.cr
    lines = env["sales.target.line"].search([("target_id", "=", plan.id)])
    cases = [("actuals_100", "target actuals, 100 lines (ORM)", lines[:100]),
             ("actuals_1000", "target actuals, 1,000 lines (ORM)", lines[:1000]),
             ("actuals_all", "target actuals, all %s lines of the plan (ORM)"
              % format(len(lines), ","), lines)]
    if attribution_plan:
        other = env["sales.target.line"].search([("target_id", "=", attribution_plan.id)])
        cases.append(("actuals_attribution",
                      "target actuals, the %s category and distributor lines of the second "
                      "plan (ORM)" % format(len(other), ","), other))
    rows, checks = [], []
    for key, label, subset in cases:
        env.cache.invalidate()
        found = {line.id: [line.actual_amount] for line in subset}
        expected = {k: [v] for k, v in hand_written_actuals(cr, subset.ids).items()}
        checks.append(reference_sql.check(label, expected, found))
        seconds, queries = measure(env, runs, lambda subset=subset: subset.mapped(
            "actual_amount"))
        reference, _q = measure(env, runs, lambda subset=subset: hand_written_actuals(
            cr, subset.ids))
        rows.append({"key": key, "label": label, "seconds": seconds, "queries": queries,
                     "reference": reference})
    analysis = env["sales.target.analysis"]

    def pivot():
        return analysis.read_group([("target_id", "=", plan.id)],
                                   ["team_id", "metric", "target_amount", "actual_amount"],
                                   ["team_id", "metric"], lazy=False)
    groups = pivot()
    found = {(group["team_id"] and group["team_id"][0] or None, group["metric"]):
             [group["target_amount"], group["actual_amount"]] for group in groups}
    label = "achievement pivot read_group (team × metric, the plan's lines): %d groups" % len(
        groups)
    checks.append(reference_sql.check(label, hand_written_pivot(cr, plan.id), found))
    seconds, queries = measure(env, runs, pivot)
    reference, _q = measure(env, runs, lambda: hand_written_pivot(cr, plan.id))
    rows.append({"key": "pivot", "label": label, "seconds": seconds, "queries": queries,
                 "reference": reference})
    return rows, checks, len(lines)


def measure_forecast(env, runs, plans):
    """The projection of every target line of ``plans`` through the ORM (the
    actuals and the weighted pipeline), next to its hand-written reference
    (checked equal, line by line)."""
    cr = env.cr
    lines = env["sales.target.line"].search([("target_id", "in", [p.id for p in plans])])
    today = odoo.fields.Date.from_string(odoo.fields.Date.context_today(lines))
    label = "forecast (projected figure), all %s lines of the plans (ORM)" % format(
        len(lines), ",")
    env.cache.invalidate()
    found = {line.id: [line.projected_amount] for line in lines}
    expected = {k: [v] for k, v in hand_written_projections(cr, lines.ids, today).items()}
    checks = [reference_sql.check(label, expected, found)]
    seconds, queries = measure(env, runs, lambda: lines.mapped("projected_amount"))
    reference, _q = measure(env, runs, lambda: hand_written_projections(cr, lines.ids, today))
    return [{"key": "forecast_all", "label": label, "seconds": seconds, "queries": queries,
             "reference": reference}], checks


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="spm_bench_targets")
    parser.add_argument("--salespeople", type=int, default=200)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--order-lines", type=int, default=100000)
    parser.add_argument("--payments", type=int, default=20000)
    parser.add_argument("--opportunities", type=int, default=20,
                        help="opportunities of each salesperson")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only-forecast", action="store_true",
                        help="measure the forecast only")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--plain-data", action="store_true",
                        help="without what build_attribution adds (time zone, second "
                             "currency, invoices, category and distributor targets)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()

    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    conf = write_conf(args.db)
    started = time.perf_counter()
    run_odoo_install(conf, args.db)
    odoo.tools.config.parse_config(["-c", str(conf), "-d", args.db])
    failed = None
    with odoo.api.Environment.manage():
        registry = odoo.registry(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            teams, salespeople = build_company(env, args)
            plan = build_targets(env, teams, salespeople)
            second = None if args.plain_data else build_attribution(env, salespeople,
                                                                     args.teams)
            opportunities = build_pipeline(env, salespeople, args.opportunities)
            cr.commit()
            built = time.perf_counter() - started
            cr.execute("SELECT count(*) FROM sale_order_line")
            order_lines = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM sales_target_line")
            all_lines = cr.fetchone()[0]
            load = os.getloadavg()[0]
            try:
                rows, checks, plan_lines = ([], [], 0) if args.only_forecast else \
                    measure_targets(env, args.runs, plan, second)
                forecast_rows, forecast_checks = measure_forecast(
                    env, args.runs, [plan] + ([second] if second else []))
                rows += forecast_rows
                checks += forecast_checks
            except reference_sql.CheckFailed as error:
                rows, checks, plan_lines, failed = [], [], 0, str(error)
            load = "%.1f before, %.1f after the measurements" % (load, os.getloadavg()[0])

    data = ("%d salespeople in %d teams, %d customers, %d sale order lines, %d payments, "
            "%d opportunities, %d target lines (%d in the measured plan); built in %.0f s" % (
                args.salespeople, args.teams, args.customers, order_lines, args.payments,
                opportunities, all_lines, plan_lines, built))
    print("\nMachine: %s" % machine(load))
    print("Data: %s\n" % data)
    print_table(rows)
    print("\nChecks (hand-written SQL = operation, within 0.01):\n" + "\n".join(
        "- " + line for line in checks))
    write_json(args.json, {"script": "bench_target_actuals", "args": vars(args),
                           "machine": machine(load), "data": data, "rows": rows,
                           "checks": checks, "failed": failed})
    if not args.keep:
        odoo.sql_db.close_all()
        subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    if failed:
        sys.exit("CHECK FAILED: " + failed)


if __name__ == "__main__":
    main()
