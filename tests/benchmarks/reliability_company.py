"""A small company for the reliability runs on either edition (not part of the test suite).

    source /tmp/o18env.sh   # or any shell that sets the SPM_ODOO18_* variables
    $SPM_ODOO18_PYTHON tests/benchmarks/reliability_company.py \\
        --conf var/odoo-spm_reliability18.conf --db spm_reliability18

``setup/generate-data`` (``generate_data.py``) builds its company with Odoo 11's
SQL; this script builds, through the ORM of the running Odoo (11.0 or 18.0,
through the suite's ``tests/edition.py``), only what ``load_reliability.py``
needs, on a database where the addon is installed without demo data: the
company in Asia/Shanghai, ``--teams`` teams each with its leader (a
supervisor) and ``--salespeople`` salespeople, a sales director (login
``director``), 5 customers per salesperson, for the last ``--days`` working
days one confirmed order per salesperson (the daily reports link them), and
a target of the month per salesperson, behind for every other one (work for
the "targets behind" action).  The users are dated 60 days back, so that
the missing-report reminder has past days to remind.  It refuses a database
that already has the teams.
"""

import argparse
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edition import customer_values, join_team  # noqa: E402

import odoo  # noqa: E402

TEAM_NAME = "Reliability Team %02d"


def working_days(today, count):
    days, day = [], today - timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days


def user(env, login, name, groups, tz="Asia/Shanghai"):
    return env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True,
                                         tracking_disable=True).create({
        "name": name, "login": login, "email": "%s@example.com" % login, "tz": tz,
        "groups_id": [(6, 0, [env.ref("base.group_user").id]
                       + [env.ref("sales_process_mgmt.group_%s" % g).id for g in groups])]})


def build(env, args):
    company = env.ref("base.main_company")
    company.partner_id.tz = "Asia/Shanghai"
    if env["crm.team"].search_count([("name", "=like", "Reliability Team %")]):
        sys.exit("this database already has the reliability company")
    if not env["res.users"].search_count([("login", "=", "director")]):
        user(env, "director", "Sales Director", ["director"])
    teams, salespeople = [], []
    for index in range(args.teams):
        leader = user(env, "rel_leader_%02d" % index, "Leader %02d" % index, ["supervisor"])
        team = env["crm.team"].create({"name": TEAM_NAME % index, "user_id": leader.id})
        join_team(leader, team)
        teams.append(team)
        for number in range(args.salespeople):
            login = "rel_sp_%02d_%02d" % (index, number)
            person = user(env, login, "Salesperson %02d-%02d" % (index, number),
                          ["salesperson"])
            join_team(person, team)
            salespeople.append((person, team))
    partners = env["res.partner"].create([
        customer_values(name="Shop %s %d" % (person.login, number), is_company=True,
                        user_id=person.id, city="Shenzhen")
        for person, _team in salespeople for number in range(5)])
    product = env["product.product"].create({
        "name": "Reliability Tea", "type": "consu", "list_price": 100.0,
        "invoice_policy": "order"})
    today = date.today()
    days = working_days(today, args.days)
    customers = {}
    for partner in partners:
        customers.setdefault(partner.user_id.id, partner)
    orders = env["sale.order"].create([{
        "partner_id": customers[person.id].id, "user_id": person.id, "team_id": team.id,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1 + n % 4,
                               "price_unit": 100.0})]}
        for person, team in salespeople for n, _day in enumerate(days)])
    orders.action_confirm()
    # Each at 10:00 in Shanghai (02:00 UTC) of its day; the ORM's pending
    # writes (the confirmation's date) first, so that they do not overwrite it.
    if hasattr(env, "flush_all"):
        env.flush_all()
    moments = [datetime.combine(day, datetime.min.time()) + timedelta(hours=2)
               for _person in salespeople for day in days]
    env.cr.execute("UPDATE sale_order o SET date_order = v.moment FROM unnest(%s::int[], "
                   "%s::timestamp[]) AS v(id, moment) WHERE o.id = v.id",
                   (orders.ids, moments))
    if hasattr(orders, "invalidate_recordset"):
        orders.invalidate_recordset(["date_order"])
    else:
        orders.invalidate_cache(["date_order"], orders.ids)
    month = today.replace(day=1)
    end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    target = env["sales.target"].create({"name": "Reliability %s" % month.strftime("%Y-%m"),
                                         "date_from": str(month), "date_to": str(end)})
    env["sales.target.line"].create([{
        "target_id": target.id, "metric": "sales", "date_from": str(month),
        "date_to": str(end), "user_id": person.id,
        "target_amount": 1000000.0 if n % 2 else 100.0}
        for n, (person, _team) in enumerate(salespeople)])
    env.cr.execute("UPDATE res_users SET create_date = now() - interval '60 days' "
                   "WHERE login = 'director' OR login LIKE 'rel\\_%%'")
    return teams, salespeople, partners, orders


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--teams", type=int, default=5)
    parser.add_argument("--salespeople", type=int, default=14,
                        help="per team (the load takes 10 of each of 5 teams, the two-server "
                             "run 20 more for the market reports)")
    parser.add_argument("--days", type=int, default=10)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db])
    started = time.perf_counter()
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        teams, salespeople, partners, orders = build(env, args)
        cr.commit()
    print("%s: %d teams, %d salespeople, %d customers, %d confirmed orders, in %.0f s"
          % (args.db, len(teams), len(salespeople), len(partners), len(orders),
             time.perf_counter() - started))
    odoo.sql_db.close_all()


if __name__ == "__main__":
    main()
