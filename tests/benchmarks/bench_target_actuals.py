"""Benchmark of the target actuals on a large company (not part of the test suite).

    .venv/bin/python tests/benchmarks/bench_target_actuals.py [--salespeople 200]
        [--order-lines 100000] [--payments 20000] [--runs 5] [--keep]

Creates a throw-away database with the addon, fills it in bulk (SQL) with teams,
salespeople, customers, confirmed / cancelled / draft orders over two years,
posted customer payments and a year's target plan decomposed to teams and
salespeople by month, then prints, for each measured operation, the median wall
time of several runs, the number of SQL queries, and the time of one
hand-written SQL aggregate over the same rows (the practical limit) with the
ratio.  Nothing here asserts on time.
"""

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


HAND_WRITTEN_LIMIT = """
SELECT date_trunc('month', so.date_order) AS month, so.user_id, so.team_id,
       SUM(sol.price_subtotal), SUM(sol.margin)
FROM sale_order_line sol JOIN sale_order so ON so.id = sol.order_id
WHERE so.state IN ('sale', 'done')
GROUP BY 1, 2, 3
UNION ALL
SELECT date_trunc('month', p.payment_date), c.user_id, c.team_id, SUM(p.amount), 0
FROM account_payment p JOIN res_partner c ON c.id = p.partner_id
WHERE p.state = 'posted' AND p.payment_type = 'inbound'
GROUP BY 1, 2, 3
"""


def measure(env, runs, function):
    times, queries = [], []
    for _run in range(runs):
        env.cache.invalidate()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
        queries.append(env.cr.sql_log_count - before)
    return statistics.median(times), max(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="spm_bench_targets")
    parser.add_argument("--salespeople", type=int, default=200)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--order-lines", type=int, default=100000)
    parser.add_argument("--payments", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    conf = write_conf(args.db)
    started = time.perf_counter()
    run_odoo_install(conf, args.db)
    odoo.tools.config.parse_config(["-c", str(conf), "-d", args.db])
    with odoo.api.Environment.manage():
        registry = odoo.registry(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            teams, salespeople = build_company(env, args)
            plan = build_targets(env, teams, salespeople)
            cr.commit()
            built = time.perf_counter() - started
            lines = env["sales.target.line"].search([("target_id", "=", plan.id)])
            cr.execute("SELECT count(*) FROM sale_order_line")
            order_lines = cr.fetchone()[0]
            results = []
            for label, subset in (("100 lines", lines[:100]), ("1,000 lines", lines[:1000]),
                                  ("all %d lines" % len(lines), lines)):
                seconds, queries = measure(
                    env, args.runs, lambda subset=subset: subset.mapped("actual_amount"))
                results.append(("target actuals, %s (ORM)" % label, seconds, queries))
            analysis = env["sales.target.analysis"]
            results.append(("achievement pivot read_group (team × metric)", *measure(
                env, args.runs, lambda: analysis.read_group(
                    [("target_id", "=", plan.id)],
                    ["team_id", "metric", "target_amount", "actual_amount"],
                    ["team_id", "metric"], lazy=False))))
            limit, _queries = measure(env, args.runs, lambda: (
                cr.execute(HAND_WRITTEN_LIMIT), cr.fetchall()))

    print("\nMachine: %s, %d cores, Python %s, PostgreSQL %s" % (
        platform.processor() or platform.machine(), os.cpu_count(),
        platform.python_version(),
        subprocess.run(["psql", "-XAtc", "SHOW server_version", "postgres"],
                       capture_output=True, text=True).stdout.strip()))
    print("Data: %d salespeople in %d teams, %d customers, %d sale order lines, "
          "%d payments, %d target lines; built in %.0f s\n" % (
              args.salespeople, args.teams, args.customers, order_lines, args.payments,
              len(lines), built))
    print("| operation | median time (s) | SQL queries | hand-written SQL (s) | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, seconds, queries in results:
        print("| %s | %.3f | %d | %.3f | %.1f |" % (label, seconds, queries, limit,
                                                  seconds / limit))
    print("\nhand-written SQL: one aggregate of the confirmed order lines and posted "
          "payments by month, salesperson and team (the rows every actual is made of).")
    if not args.keep:
        odoo.sql_db.close_all()
        subprocess.run(["dropdb", "--if-exists", args.db], check=True)


if __name__ == "__main__":
    main()
