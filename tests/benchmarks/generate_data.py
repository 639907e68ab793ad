"""Fill a database that has the addon with a year of a sales company's data.

    setup/generate-data [--db spm_generated] [--salespeople 200] [--teams 10]
        [--customers N] [--days 365] [--seed 42]

``setup/generate-data`` (re)creates the database with the addon and the generic
chart of accounts, without demo data, then runs this script on it with
``--conf``.  Everything is inserted in bulk (SQL) by the builders of the
benchmarks (``bench_target_actuals.py``: teams with their leaders,
salespeople, customers, confirmed / cancelled / draft orders with their lines
over two years, posted customer payments with their journal entries, the
year's targets by month; ``bench_daily_loop.py``: for every working day of the
last ``--days`` days, the visit plans, visits with their results, expenses,
daily reports and some market reports), then by this script: the users' email
addresses (without one a user cannot post a message), a sales director,
market reports (about 3 per salesperson and month in all, every kind, severity
and state, escalated as the addon would have) and a weekly meeting per team
with its attendees (these two as of today 00:00 UTC, so that two runs on the
same day give the same rows).  No invoices: the builders record the collections as posted
payments.  The id sequences are reset, then the ORM reads the new records and
the weekly report's Monday action runs on them.
"""

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_daily_loop import build_daily_loop  # noqa: E402
from bench_target_actuals import build_company, build_targets  # noqa: E402

import odoo  # noqa: E402

KINDS = ["consumer_feedback", "competitor_promotion", "competitor_product",
         "distributor_complaint", "personnel_change", "customer_complaint", "other"]
COMPLAINT_KINDS = ("distributor_complaint", "customer_complaint")
KIND_TITLES = {
    "consumer_feedback": "Consumers find the new pack hard to open",
    "competitor_promotion": "Competitor promotion: buy 2 get 1 free",
    "competitor_product": "Competitor launched a cheaper product",
    "distributor_complaint": "Distributor complains about late deliveries",
    "personnel_change": "New purchasing manager",
    "customer_complaint": "Customer complains about damaged goods",
    "other": "Shop renovation",
}
# The tables this script and the builders insert into (their id sequences are reset).
TABLES = ["res_partner", "sale_order", "sale_order_line", "account_payment", "account_move",
          "account_move_line", "sales_target_line", "sales_visit_plan", "sales_visit",
          "sales_visit_expense", "sales_daily_report", "sales_daily_report_target",
          "sales_market_report", "sales_meeting", "sales_meeting_attendee"]


def calendar_working_days(count, today):
    """The working days (Monday to Friday) of the ``count`` calendar days up to today."""
    days = (today - timedelta(days=offset) for offset in range(count))
    return sorted(day for day in days if day.weekday() < 5)


def build_emails(env):
    """An email address for every user who has none (``login@example.com``): a user
    without one cannot post a message, e.g. submit a plan or report."""
    env.cr.execute("""
        UPDATE res_partner p SET email = u.login || '@example.com'
        FROM res_users u
        WHERE u.partner_id = p.id AND (p.email IS NULL OR p.email = '') AND u.active
          AND NOT u.share
    """)
    return env.cr.rowcount


def build_director(env):
    """The company's sales director: the second escalation level of market reports."""
    director = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Sales Director", "login": "director",
        "groups_id": [(4, env.ref("sales_process_mgmt.group_director").id)]})
    env.ref("base.main_company").sales_director_id = director
    return director


def pick_state(rnd, age):
    """The state of a market report ``age`` days old."""
    if age > 30:
        weights = {"resolved": 85, "cancelled": 10, "in_progress": 5}
    elif age > 7:
        weights = {"resolved": 50, "in_progress": 25, "acknowledged": 20, "cancelled": 5}
    else:
        weights = {"new": 40, "acknowledged": 30, "in_progress": 20, "resolved": 10}
    return rnd.choices(list(weights), list(weights.values()))[0]


def market_row(rnd, now, delay, sp, day, customers, distributors, competitors, products):
    """One market report as the addon's buttons and escalation would have left it.

    Created during the day; told at once to the supervisor (level 1), and to the
    director too if serious or critical (level 2); a normal report nobody
    acknowledged within the company's escalation delay climbed to the director
    (the hourly cron).  Acknowledged by the team leader, resolved (with its
    resolution) or cancelled later; never later than now."""
    user, team, leader = sp
    kind = rnd.choice(KINDS)
    severity = rnd.choices(("normal", "serious", "critical"), (75, 18, 7))[0]
    created = datetime.combine(day, datetime.min.time()) + timedelta(
        seconds=rnd.randrange(9 * 3600, 17 * 3600))
    if created > now:
        created = now - timedelta(minutes=5 + rnd.randrange(60))
    state = pick_state(rnd, (now.date() - day).days)
    acknowledged = resolved = None
    if state != "new" and not (state == "cancelled" and rnd.random() < 0.5):
        # mostly within a few hours (2.5 h on average)
        acknowledged = created + timedelta(seconds=1800 + int(rnd.expovariate(1 / 7200)))
    if state in ("resolved", "cancelled"):
        resolved = (acknowledged or created) + timedelta(
            seconds=rnd.randrange(4 * 3600, 96 * 3600))
    if any(moment and moment > now for moment in (acknowledged, resolved)):
        state, resolved = "acknowledged", None
        acknowledged = created + (now - created) // 2
        acknowledged = acknowledged.replace(microsecond=0)
    level, escalated = ("2" if severity != "normal" else "1"), created
    waited = (acknowledged or resolved or now) - created
    if level == "1" and waited >= delay:
        level, escalated = "2", created + delay
    partner = (rnd.choice(distributors) if kind == "distributor_complaint" and distributors
               else rnd.choice(customers))
    competitor = rnd.choice(competitors) if kind.startswith("competitor") else None
    product = rnd.choice(products) if kind in ("consumer_feedback", "customer_complaint") \
        else None
    last = resolved or acknowledged or escalated
    return (KIND_TITLES[kind], kind, kind in COMPLAINT_KINDS, severity, state, day, user, team,
            partner, competitor, product,
            "Seen on %s at the customer's; photos taken." % day,
            "Handled with the customer; agreed on a credit note." if state == "resolved"
            else None,
            level, escalated, acknowledged, leader if acknowledged else None,
            resolved if state == "resolved" else None,
            user, created, leader if acknowledged else user, last)


def build_market_reports(env, salespeople, days, now, rnd, per_month):
    """About ``per_month`` market reports per salesperson and month in all (with the
    builder's), then every report numbered as the sequence would have, by
    creation, and the sequence moved past them."""
    cr = env.cr
    company = env.ref("base.main_company")
    delay = timedelta(hours=company.sales_escalation_hours)
    # The builder's reports still new: the hourly cron climbed those not acknowledged
    # within the delay to the director.
    cr.execute("""
        UPDATE sales_market_report SET escalation_level = '2',
               escalated_at = escalated_at + %(delay)s * interval '1 hour',
               write_date = escalated_at + %(delay)s * interval '1 hour'
        WHERE state = 'new' AND escalation_level = '1'
          AND escalated_at + %(delay)s * interval '1 hour' <= %(now)s
    """, {"delay": company.sales_escalation_hours, "now": now})
    cr.execute("SELECT count(*) FROM sales_market_report")
    existing = cr.fetchone()[0]
    cr.execute("SELECT id FROM res_partner WHERE is_competitor ORDER BY id")
    competitors = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id FROM res_partner WHERE is_distributor ORDER BY id")
    distributors = [row[0] for row in cr.fetchall()]
    cr.execute("SELECT id FROM product_product ORDER BY id")
    products = [row[0] for row in cr.fetchall()]
    cr.execute("""
        SELECT u.id, u.sale_team_id, t.user_id,
               array_agg(c.id ORDER BY c.id) FILTER (WHERE c.id IS NOT NULL)
        FROM res_users u JOIN crm_team t ON t.id = u.sale_team_id
        LEFT JOIN res_partner c ON c.user_id = u.id AND c.customer
        WHERE u.id = ANY(%s) GROUP BY u.id, u.sale_team_id, t.user_id ORDER BY u.id
    """, ([user for user, _team in salespeople],))
    people = cr.fetchall()
    months = {}
    for day in (day for day in days if day < now.date()):
        months.setdefault((day.year, day.month), []).append(day)
    # What the builder made, spread over the salespeople and months; the rest here.
    extra = max(per_month * len(people) * len(months) - existing, 0)
    slots = [(person, month) for person in people for month in sorted(months)]
    rows = []
    for index in range(extra):
        (user, team, leader, customers), month = slots[index % len(slots)]
        customers = customers or [None]
        day = rnd.choice(months[month])
        rows.append(market_row(rnd, now, delay, (user, team, leader), day, customers,
                               distributors, competitors, products))
    columns = ("title, kind, is_complaint, severity, state, date, reporter_id, team_id, "
               "partner_id, competitor_id, product_id, description, resolution, "
               "escalation_level, escalated_at, acknowledged_at, acknowledged_by_id, "
               "resolved_at, create_uid, create_date, write_uid, write_date")
    for start in range(0, len(rows), 5000):
        cr.execute(
            "INSERT INTO sales_market_report (name, user_id, company_id, %s) "
            "SELECT '/', v.reporter_id, %%s, v.* FROM (VALUES %s) AS v(%s)" % (
                columns, ",".join(cr.mogrify(
                    "(%s,%s,%s,%s,%s,%s::date,%s,%s,%s,%s::int,%s::int,%s,%s,%s,%s,"
                    "%s::timestamp,%s::int,%s::timestamp,%s,%s,%s,%s)", row).decode()
                    for row in rows[start:start + 5000]), columns),
            (company.id,))
    # The references, in creation order, as the sequence (MR/%(year)s/, 4 digits) gives.
    cr.execute("""
        UPDATE sales_market_report m
        SET name = 'MR/' || to_char(m.create_date, 'YYYY') || '/' || lpad(n.n::text, 4, '0')
        FROM (SELECT id, row_number() OVER (ORDER BY create_date, id) AS n
              FROM sales_market_report) n
        WHERE n.id = m.id
    """)
    cr.execute("SELECT count(*) FROM sales_market_report")
    total = cr.fetchone()[0]
    env.ref("sales_process_mgmt.seq_sales_market_report").write({"number_next": total + 1})
    return total


def build_meetings(env, teams, days, now, rnd):
    """A weekly meeting per team, on Monday 09:00-10:00, chaired by the leader, with
    the team (leader included) as attendees: held until now (present, remote with
    their report, or absent), next Monday's planned."""
    cr = env.cr
    company = env.ref("base.main_company").id
    first = days[0] - timedelta(days=days[0].weekday())
    mondays = []
    monday = first
    while monday <= now.date() + timedelta(days=7):
        mondays.append(monday)
        monday += timedelta(days=7)
    cr.execute("""
        SELECT t.id, t.name, t.user_id, array_agg(u.id ORDER BY u.id)
        FROM crm_team t JOIN res_users u ON u.sale_team_id = t.id AND u.active
        WHERE t.id = ANY(%s) GROUP BY t.id ORDER BY t.id
    """, (teams.ids,))
    team_rows = cr.fetchall()
    meetings = []
    for monday in mondays:
        start = datetime.combine(monday, datetime.min.time()) + timedelta(hours=9)
        held = start + timedelta(hours=1) <= now
        week = "%d-W%02d" % monday.isocalendar()[:2]
        for team, name, leader, _members in team_rows:
            meetings.append((
                "Weekly meeting %s %s" % (name, week), team, leader, company, start,
                start + timedelta(hours=1), "held" if held else "planned",
                "Last week's figures; the targets of the month; competitors; customers "
                "with problems", "Went through the weekly report." if held else None,
                "Two more visits a day to the new customers." if held else None,
                leader, start - timedelta(days=3), leader,
                start + timedelta(hours=1) if held else start - timedelta(days=3)))
    cr.execute(
        "INSERT INTO sales_meeting (name, kind, team_id, chair_id, company_id, start, stop, "
        "state, agenda, minutes, decisions, create_uid, create_date, write_uid, write_date) "
        "SELECT v.name, 'weekly', v.team, v.chair, v.company, v.start, v.stop, v.state, "
        "v.agenda, v.minutes, v.decisions, v.cu, v.cd, v.wu, v.wd "
        "FROM (VALUES %s) AS v(name, team, chair, company, start, stop, state, agenda, "
        "minutes, decisions, cu, cd, wu, wd) ORDER BY v.start, v.team RETURNING id, team_id, "
        "state, write_date" % ",".join(cr.mogrify(
            "(%s,%s,%s,%s,%s::timestamp,%s::timestamp,%s,%s,%s,%s,%s,%s::timestamp,%s,"
            "%s::timestamp)", row).decode() for row in meetings))
    members = {team: people for team, _name, _leader, people in team_rows}
    attendees = []
    for meeting, team, state, written in cr.fetchall():
        for user in members[team]:
            presence = "present" if state == "planned" else rnd.choices(
                ("present", "remote", "absent"), (85, 8, 7))[0]
            attendees.append((meeting, user, presence,
                              "Visiting customers; sent my figures." if presence == "remote"
                              else None, written))
    for start in range(0, len(attendees), 10000):
        cr.execute(
            "INSERT INTO sales_meeting_attendee (meeting_id, user_id, presence, remote_report,"
            " create_uid, create_date, write_uid, write_date) "
            "SELECT v.m, v.u, v.p, v.r, 1, v.w, 1, v.w FROM (VALUES %s) AS v(m, u, p, r, w)"
            % ",".join(cr.mogrify("(%s,%s,%s,%s,%s::timestamp)", row).decode()
                       for row in attendees[start:start + 10000]))
    return len(meetings), len(attendees)


def reset_sequences(cr):
    """Each table's id sequence just past its highest id."""
    for table in TABLES:
        cr.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                   "COALESCE((SELECT max(id) FROM " + table + "), 0) + 1, false)", (table,))


def count(cr, query):
    cr.execute(query)
    return cr.fetchone()[0]


class RolledBack(Exception):
    """Rolls a savepoint back."""


def verify(env, now):
    """Read the new records with the ORM and run the scheduled actions that would
    see them: the market report escalation (rolled back: it must climb nothing)
    and the weekly report's Monday action (kept)."""
    reports = env["sales.market.report"].search([], limit=20)
    reports.read(["name", "title", "kind", "is_complaint", "severity", "state",
                  "escalation_level", "partner_id", "competitor_id", "team_id"])
    env.cr.execute("""
        SELECT count(*) FROM sales_market_report
        WHERE is_complaint IS DISTINCT FROM kind IN %s
           OR (state = 'resolved') IS DISTINCT FROM (resolved_at IS NOT NULL)
           OR (state = 'resolved' AND resolution IS NULL)
           OR (escalation_level = '2') IS DISTINCT FROM (
               severity <> 'normal' OR escalated_at > create_date)
    """, (COMPLAINT_KINDS,))
    inconsistent = env.cr.fetchone()[0]
    if inconsistent:
        raise AssertionError("%d market reports are inconsistent" % inconsistent)
    meetings = env["sales.meeting"].search([], limit=10)
    meetings.read(["name", "team_id", "chair_id", "start", "stop", "state"])
    meetings.mapped("attendee_ids").read(["user_id", "presence", "remote_report"])
    plan = env["sales.visit.plan"].search([], limit=1)
    plan.read(["name", "state", "visit_count", "done_count"])
    plan.visit_ids.read(["partner_id", "state", "is_effective", "expense_amount"])
    daily = env["sales.daily.report"].search([("state", "=", "approved")], limit=1)
    daily.read(["name", "state", "quality_score", "is_late", "plan_id", "market_report_ids"])
    try:
        with env.cr.savepoint():
            escalated = len(env["sales.market.report"]._cron_escalate())
            raise RolledBack
    except RolledBack:
        env.clear()
    weekly = env["sales.weekly.report"]._cron_generate(str(now.date()))
    weekly.read(["name", "sales_amount", "visit_done", "reports_submitted"])
    return escalated, len(weekly)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conf", help="the Odoo configuration file of the database "
                        "(setup/generate-data writes it)")
    parser.add_argument("--db", default="spm_generated")
    parser.add_argument("--salespeople", type=int, default=200)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--customers", type=int,
                        help="default: 25 per salesperson (5,000 for 200)")
    parser.add_argument("--order-lines", type=int,
                        help="sale order lines over two years, 4 per order "
                             "(default: 500 per salesperson)")
    parser.add_argument("--payments", type=int,
                        help="customer payments over two years (default: 100 per salesperson)")
    parser.add_argument("--days", type=int, default=365,
                        help="calendar days of plans, visits and reports up to today "
                             "(their working days)")
    parser.add_argument("--market-reports", type=int, default=3,
                        help="market reports per salesperson and month (default: 3)")
    parser.add_argument("--seed", type=int, default=42,
                        help="seed of this script's choices (market reports, meetings); "
                             "the builders' are fixed (seed 42 and hashes of the ids)")
    parser.add_argument("--print-db", action="store_true",
                        help="check the arguments, print the database name and stop")
    args = parser.parse_args()
    for name in ("salespeople", "teams", "days", "market_reports"):
        if getattr(args, name) < 1:
            parser.error("--%s must be at least 1" % name.replace("_", "-"))
    if args.teams > args.salespeople:
        parser.error("--teams must not exceed --salespeople")
    args.customers = args.customers or 25 * args.salespeople
    args.order_lines = args.order_lines or 500 * args.salespeople
    args.payments = args.payments or 100 * args.salespeople
    if args.print_db:
        print(args.db)
        return
    if not args.conf:
        parser.error("--conf is required: run setup/generate-data, which creates the database")

    started = time.perf_counter()
    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db, "--log-level=warn"])
    now = datetime.utcnow().replace(microsecond=0)
    today = now.date()
    days = calendar_working_days(args.days, today)
    if not days:
        parser.error("--days %d holds no working day" % args.days)
    rnd = random.Random(args.seed)
    with odoo.api.Environment.manage():
        registry = odoo.registry(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})

            def timed(label, function, *arguments):
                tick = time.perf_counter()
                result = function(*arguments)
                print("  %-60s %6.1f s" % (label, time.perf_counter() - tick), flush=True)
                return result
            teams, salespeople = timed(
                "company (teams, salespeople, customers, orders, payments)",
                build_company, env, args)
            timed("targets of the year", build_targets, env, teams, salespeople)
            timed("sales director", build_director, env)
            timed("users' email addresses", build_emails, env)
            timed("daily loop (plans, visits, expenses, daily reports)",
                  build_daily_loop, env, teams, salespeople, days, today)
            # Their market reports and meetings are as of today 00:00 (UTC): the same
            # rows whenever the script runs that day.
            as_of = datetime.combine(today, datetime.min.time())
            timed("market reports", build_market_reports, env, salespeople, days, as_of, rnd,
                  args.market_reports)
            timed("weekly meetings", build_meetings, env, teams, days, as_of, rnd)
            reset_sequences(cr)
            cr.execute("ANALYZE")
            cr.commit()
        tick = time.perf_counter()
        odoo.api.Environment.reset()
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            escalated, weekly = verify(env, now)
            cr.commit()
        print("  %-60s %6.1f s" % ("ORM check and weekly reports", time.perf_counter() - tick))
        with registry.cursor() as cr:
            report_counts(cr, args, days, escalated, weekly, time.perf_counter() - started)
    odoo.sql_db.close_all()


def report_counts(cr, args, days, escalated, weekly, seconds):
    def n(query):
        return count(cr, query)
    print("\nDatabase %s, %d working days %s to %s (seed %d):" % (
        args.db, len(days), days[0], days[-1], args.seed))
    lines = [
        ("teams (each with its leader, a supervisor)",
         n("SELECT count(*) FROM crm_team WHERE user_id IS NOT NULL")),
        ("salespeople", args.salespeople),
        ("sales director", 1),
        ("customers (1 in 50 a distributor)",
         n("SELECT count(*) FROM res_partner WHERE customer AND user_id IS NOT NULL")),
        ("competitors", n("SELECT count(*) FROM res_partner WHERE is_competitor")),
        ("sale orders over two years (confirmed / cancelled / draft)",
         "%d (%d / %d / %d)" % tuple(n("SELECT count(*) FROM sale_order WHERE %s" % where)
                                     for where in ("TRUE", "state IN ('sale', 'done')",
                                                   "state = 'cancel'",
                                                   "state IN ('draft', 'sent')"))),
        ("sale order lines", n("SELECT count(*) FROM sale_order_line")),
        ("invoices", n("SELECT count(*) FROM account_invoice")),
        ("posted customer payments (with their journal entries)",
         n("SELECT count(*) FROM account_payment WHERE state = 'posted'")),
        ("target lines (company, teams, salespeople; year and months)",
         n("SELECT count(*) FROM sales_target_line")),
        ("visit plans (approved)", "%d (%d)" % (
            n("SELECT count(*) FROM sales_visit_plan"),
            n("SELECT count(*) FROM sales_visit_plan WHERE state = 'approved'"))),
        ("visits (done / missed / to do; effective)", "%d (%d / %d / %d; %d)" % (
            n("SELECT count(*) FROM sales_visit"),
            n("SELECT count(*) FROM sales_visit WHERE state = 'done'"),
            n("SELECT count(*) FROM sales_visit WHERE state = 'missed'"),
            n("SELECT count(*) FROM sales_visit WHERE state = 'todo'"),
            n("SELECT count(*) FROM sales_visit WHERE is_effective"))),
        ("visit expenses", n("SELECT count(*) FROM sales_visit_expense")),
        ("daily reports (approved / submitted / draft)", "%d (%d / %d / %d)" % (
            n("SELECT count(*) FROM sales_daily_report"),
            n("SELECT count(*) FROM sales_daily_report WHERE state = 'approved'"),
            n("SELECT count(*) FROM sales_daily_report WHERE state = 'submitted'"),
            n("SELECT count(*) FROM sales_daily_report WHERE state = 'draft'"))),
        ("market reports (complaints; resolved; escalated to the director)",
         "%d (%d; %d; %d)" % (
             n("SELECT count(*) FROM sales_market_report"),
             n("SELECT count(*) FROM sales_market_report WHERE is_complaint"),
             n("SELECT count(*) FROM sales_market_report WHERE state = 'resolved'"),
             n("SELECT count(*) FROM sales_market_report WHERE escalation_level = '2'"))),
        ("weekly meetings (held) / attendees", "%d (%d) / %d" % (
            n("SELECT count(*) FROM sales_meeting"),
            n("SELECT count(*) FROM sales_meeting WHERE state = 'held'"),
            n("SELECT count(*) FROM sales_meeting_attendee"))),
        ("weekly reports of last week (Monday action run)", weekly),
        ("market reports the escalation cron would climb now", escalated),
    ]
    width = max(len(label) for label, _value in lines)
    for label, value in lines:
        print("  %-*s %s" % (width, label, value))
    print("Filled in %.0f s." % seconds)


if __name__ == "__main__":
    main()
