"""Load test of the day's submissions and approvals over HTTP (not part of the test suite).

    .venv/bin/python tests/benchmarks/load_submissions.py [--db spm_generated]
        [--salespeople 50] [--supervisors 5] [--port 8269] [--duration-limit 300]

Runs on a database made by ``setup/generate-data`` (its configuration
``var/odoo-DB.conf``), or on an Odoo 18 database with the 18.0 edition
(``reliability_company.py`` makes one; its configuration there too): the
server is then the Odoo 18 of SPM_ODOO18_PYTHON and SPM_ODOO18_BIN (``source
/tmp/o18env.sh``), chosen from the database's version.  Starts Odoo on it
with 2 worker processes, listening on 127.0.0.1 only, without cron threads;
takes the first ``--supervisors`` teams and ``--salespeople`` of their
salespeople (spread evenly), whose passwords it sets
(as admin, through the ORM); picks the latest past working day on which none of
them has a visit plan or a daily report (nothing is deleted: a re-run takes an
earlier day).  Then, in parallel processes (``--processes`` at most), each with
its own JSON-RPC session (odoorpc) logged in as its user:

- every salesperson creates the visit plan of that day, adds 3 visits to it,
  submits it, records the 3 visits done (one request), then creates the day's
  daily report (prefilled) and submits it;
- at the same time every supervisor lists the submitted plans and reports of
  the day of their team again and again, approves the plans, scores the reports
  and approves them, until all are processed or the time limit.

It prints, per operation, the number of requests, the errors and the p50 / p95 /
max latency, the requests per second, the first error messages, then what the
database holds: each salesperson must have exactly one plan (3 visits) and one
report of the day, and how many are approved.  The server is stopped at the end.
"""

import argparse
import configparser
import math
import multiprocessing
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import odoorpc
import psycopg2
import pytz

# The suite's wait for a server: the registry loaded, then the URL answering.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import _wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "load-test-1"
REPORT_TEXT = "Visited three customers; one reorder expected next week."

# Set in each worker process by the pool's initializer.
FINISHED = None
DEADLINE = None


def read_conf(db):
    path = ROOT / "var" / ("odoo-%s.conf" % db)
    if not path.exists():
        sys.exit("%s is missing: create the database with setup/generate-data --db %s"
                 % (path, db))
    parser = configparser.ConfigParser()
    parser.read(path)
    options = parser["options"]
    host = options.get("db_host", "False")
    return path, {"dbname": db, "host": None if host in ("False", "") else host,
                  "port": int(options.get("db_port", "5432"))}


def odoo_version(cr):
    """The major version of the Odoo that made the database (11 or 18)."""
    cr.execute("SELECT latest_version FROM ir_module_module WHERE name = 'base'")
    return int(cr.fetchone()[0].split(".")[0])


def odoo_command(version):
    """The command that starts Odoo ``version``: the project's Odoo 11, or the
    Odoo 18 environment given by SPM_ODOO18_PYTHON and SPM_ODOO18_BIN (the
    project never holds Odoo 18's code)."""
    if version < 13:
        return [sys.executable, str(ROOT / "setup" / "odoo-bin")]
    missing = [name for name in ("SPM_ODOO18_PYTHON", "SPM_ODOO18_BIN")
               if not os.environ.get(name)]
    if missing:
        sys.exit("an Odoo 18 database: set %s to the Odoo 18 environment"
                 % " and ".join(missing))
    return [os.environ["SPM_ODOO18_PYTHON"], os.environ["SPM_ODOO18_BIN"]]


def set_passwords(write, execute, ids, version):
    """PASSWORD for the users ``ids``: ``write(ids)`` through Odoo (which hashes
    it).  Odoo 18 hashes a password with 600,000 rounds of PBKDF2-SHA512: the
    55 at once outlasted a worker's 120 s on the loaded machine, so it is
    written for the first user only and its hash copied to the others with
    ``execute(sql, params)`` (the hash holds its salt; any user may have it)."""
    if version < 13:
        write(ids)
        return
    write(ids[:1])
    execute("UPDATE res_users SET password = (SELECT password FROM res_users WHERE id = %s) "
            "WHERE id = ANY(%s)", (ids[0], ids))


def customers_sql(version):
    """The condition on ``res_partner c`` of a customer (Odoo 18: a customer rank)."""
    return "c.customer" if version < 13 else "c.customer_rank > 0"


def start_server(conf, db, port, logfile, workers=2, cron_threads=0, log_handlers=(),
                 options=(), version=11):
    """Odoo ``version`` on 127.0.0.1:``port`` (``workers`` processes, 0:
    threaded), with ``cron_threads`` cron workers; warnings and errors in
    ``logfile``, with ``log_handlers`` ("logger:LEVEL") on top, and other
    command line ``options``.  Returns (process, log offset) once it answers."""
    command = odoo_command(version) + [
        "-c", str(conf), "-d", db,
        "--db-filter", "^%s$" % db, "--http-interface", "127.0.0.1",
        "--http-port", str(port),
        "--longpolling-port" if version < 13 else "--gevent-port", str(port + 1),
        "--workers", str(workers), "--max-cron-threads", str(cron_threads),
        "--log-level", "warn", "--log-handler", "odoo.modules.loading:INFO",
        "--logfile", str(logfile)]
    for handler in log_handlers:
        command += ["--log-handler", handler]
    command += list(options)
    log_start = logfile.stat().st_size if logfile.exists() else 0
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for("http://127.0.0.1:%d/web/login" % port, process, 300, logfile, log_start)
    except BaseException:
        stop_server(process)
        raise
    return process, log_start


def stop_server(process):
    """SIGTERM to the server (it stops its workers), SIGKILL to its process group
    if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def choose_people(cr, supervisors, salespeople):
    """The leaders of the first teams (by id) and their salespeople, in turn."""
    cr.execute("""
        SELECT t.id, t.user_id, l.login FROM crm_team t JOIN res_users l ON l.id = t.user_id
        WHERE l.active ORDER BY t.id LIMIT %s
    """, (supervisors,))
    teams = cr.fetchall()
    if len(teams) < supervisors:
        sys.exit("only %d teams with a leader: fewer than --supervisors %d"
                 % (len(teams), supervisors))
    members = {}
    for team, leader, _login in teams:
        cr.execute("""
            SELECT u.id, u.login FROM res_users u
            JOIN res_groups_users_rel g ON g.uid = u.id
            JOIN ir_model_data x ON x.res_id = g.gid AND x.model = 'res.groups'
             AND x.module = 'sales_process_mgmt' AND x.name = 'group_salesperson'
            WHERE u.active AND u.sale_team_id = %s AND u.id <> %s
              AND NOT EXISTS (SELECT 1 FROM crm_team t WHERE t.user_id = u.id)
            ORDER BY u.id
        """, (team, leader))
        members[team] = cr.fetchall()
    chosen = []
    for index in range(max(len(people) for people in members.values())):
        for team, leader, _login in teams:
            if index < len(members[team]) and len(chosen) < salespeople:
                chosen.append((members[team][index], team, leader))
    if len(chosen) < salespeople:
        sys.exit("the %d teams have %d salespeople: fewer than --salespeople %d"
                 % (supervisors, len(chosen), salespeople))
    return teams, chosen


def choose_day(cr, users):
    """The latest working day before today without a plan or a report of any of ``users``."""
    cr.execute("""
        SELECT d::date FROM generate_series(current_date - 1, current_date - 3650,
                                            interval '-1 day') d
        WHERE EXTRACT(isodow FROM d) < 6
          AND NOT EXISTS (SELECT 1 FROM sales_visit_plan p
                          WHERE p.user_id = ANY(%(users)s) AND p.date = d::date)
          AND NOT EXISTS (SELECT 1 FROM sales_daily_report r
                          WHERE r.user_id = ANY(%(users)s) AND r.date = d::date)
        ORDER BY d DESC LIMIT 1
    """, {"users": users})
    # A date, also when Odoo's type casters (imported with the suite's conftest)
    # make psycopg2 return dates as text.
    return date.fromisoformat(str(cr.fetchone()[0]))


def visit_times(cr, user, day):
    """Three visits' (start, stop) in UTC, 09:00, 11:00 and 14:30 local time."""
    cr.execute("""
        SELECT COALESCE(p.tz, cp.tz, 'UTC') FROM res_users u
        JOIN res_partner p ON p.id = u.partner_id JOIN res_company c ON c.id = u.company_id
        JOIN res_partner cp ON cp.id = c.partner_id WHERE u.id = %s
    """, (user,))
    tz = pytz.timezone(cr.fetchone()[0])
    times = []
    for hours in (9, 11, 14.5):
        local = tz.localize(datetime.combine(day, datetime.min.time())
                            + timedelta(hours=hours))
        start = local.astimezone(pytz.utc).replace(tzinfo=None)
        times.append((str(start), str(start + timedelta(hours=1))))
    return times


def init_worker(finished, deadline):
    global FINISHED, DEADLINE
    FINISHED, DEADLINE = finished, deadline
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Client:
    """One user's JSON-RPC session; every request is timed and recorded as
    (operation, seconds, error message or None)."""

    def __init__(self, port):
        self.odoo = odoorpc.ODOO("127.0.0.1", port=port, timeout=300)
        self.records = []
        self.context = {}

    def login(self, db, login):
        self.call("login", self.odoo.login, db, login, PASSWORD)
        self.context = self.odoo.env.context

    def call(self, operation, function, *args):
        start = time.perf_counter()
        try:
            result = function(*args)
        except Exception as error:
            self.records.append((operation, time.perf_counter() - start,
                                 ("%s: %s" % (type(error).__name__, error))[:300]))
            raise
        self.records.append((operation, time.perf_counter() - start, None))
        return result

    def rpc(self, operation, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self.call(operation, self.odoo.execute_kw, model, method, list(args), kwargs)


def salesperson_run(port, db, login, day, customers, times):
    """The salesperson's day: the plan, its 3 visits, its submission, the daily
    report, its submission.  Stops at the first error or after the deadline."""
    records = []
    try:
        if time.time() > DEADLINE:
            return [("not started (time limit)", 0.0, "time limit")]
        client = Client(port)
        records = client.records
        client.login(db, login)
        plan = client.rpc("create plan", "sales.visit.plan", "create", {"date": str(day)})
        visits = []
        for (start, stop), customer in zip(times, customers, strict=True):
            if time.time() > DEADLINE:
                return records
            visits.append(client.rpc("add visit", "sales.visit", "create", {
                "plan_id": plan, "partner_id": customer, "planned_start": start,
                "planned_stop": stop, "purpose": "order"}))
        client.rpc("submit plan", "sales.visit.plan", "action_submit", [plan])
        # A report is submitted once every visit of the day has its result.
        client.rpc("record visits", "sales.visit", "action_done", visits)
        report = client.rpc("create report", "sales.daily.report", "create",
                            {"date": str(day), "reflections": REPORT_TEXT})
        client.rpc("submit report", "sales.daily.report", "action_submit", [report])
    except Exception as error:
        if not records or records[-1][2] is None:
            records.append(("salesperson flow", 0.0, ("%s: %s" % (
                type(error).__name__, error))[:300]))
    finally:
        with FINISHED.get_lock():
            FINISHED.value += 1
    return records


def supervisor_run(port, db, login, day, team_users, total, poll):
    """The supervisor's loop: list the day's submitted plans and reports of the
    team, approve the plans, score and approve the reports; until every
    salesperson has finished and nothing is left to process, or the deadline."""
    records = []
    try:
        client = Client(port)
        records = client.records
        client.login(db, login)
        domain = [("state", "=", "submitted"), ("date", "=", str(day)),
                  ("user_id", "in", team_users)]
        while time.time() < DEADLINE:
            everyone_done = FINISHED.value >= total
            plans = client.rpc("list submitted plans", "sales.visit.plan", "search_read",
                               domain, fields=["user_id", "name"])
            for plan in plans:
                try:
                    client.rpc("approve plan", "sales.visit.plan", "action_approve",
                               [plan["id"]])
                except Exception:  # recorded; the next listing shows it again
                    pass
            reports = client.rpc("list submitted reports", "sales.daily.report",
                                 "search_read", domain, fields=["user_id", "name"])
            for report in reports:
                try:
                    client.rpc("score report", "sales.daily.report", "write",
                               [report["id"]], {"quality_score": "4",
                                                "review_comment": "Good day, keep it up."})
                    client.rpc("approve report", "sales.daily.report", "action_approve",
                               [report["id"]])
                except Exception:
                    pass
            if not plans and not reports:
                if everyone_done:
                    break
                time.sleep(poll)
    except Exception as error:
        if not records or records[-1][2] is None:
            records.append(("supervisor loop", 0.0, ("%s: %s" % (
                type(error).__name__, error))[:300]))
    return records


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def check_database(connection, users, day):
    with connection.cursor() as cr:
        cr.execute("""
            SELECT u.id,
                   (SELECT count(*) FROM sales_visit_plan p
                    WHERE p.user_id = u.id AND p.date = %(day)s),
                   (SELECT count(*) FROM sales_daily_report r
                    WHERE r.user_id = u.id AND r.date = %(day)s),
                   (SELECT count(*) FROM sales_visit v WHERE v.user_id = u.id
                    AND v.date = %(day)s),
                   (SELECT count(*) FROM sales_visit_plan p WHERE p.user_id = u.id
                    AND p.date = %(day)s AND p.state = 'approved'),
                   (SELECT count(*) FROM sales_daily_report r WHERE r.user_id = u.id
                    AND r.date = %(day)s AND r.state = 'approved'
                    AND r.quality_score IS NOT NULL)
            FROM unnest(%(users)s) AS u(id)
        """, {"users": users, "day": day})
        rows = cr.fetchall()
    return {
        "one plan": sum(1 for row in rows if row[1] == 1),
        "no plan": sum(1 for row in rows if row[1] == 0),
        "duplicate plans": sum(1 for row in rows if row[1] > 1),
        "one report": sum(1 for row in rows if row[2] == 1),
        "no report": sum(1 for row in rows if row[2] == 0),
        "duplicate reports": sum(1 for row in rows if row[2] > 1),
        "3 visits": sum(1 for row in rows if row[3] == 3),
        "plans approved": sum(row[4] for row in rows),
        "reports scored and approved": sum(row[5] for row in rows),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="spm_generated")
    parser.add_argument("--salespeople", type=int, default=50)
    parser.add_argument("--supervisors", type=int, default=5)
    parser.add_argument("--port", type=int, default=8269,
                        help="HTTP port on 127.0.0.1 (the next one is the longpolling port)")
    parser.add_argument("--duration-limit", type=int, default=300,
                        help="seconds the salespeople and supervisors may take in all")
    parser.add_argument("--processes", type=int, default=20,
                        help="client processes at once, the supervisors' included")
    parser.add_argument("--poll", type=float, default=0.5,
                        help="seconds a supervisor waits after an empty listing")
    parser.add_argument("--admin-password", default="admin")
    args = parser.parse_args()
    if not 0 < args.supervisors < args.processes or args.salespeople < 1:
        parser.error("need 1 <= --supervisors < --processes and --salespeople >= 1")

    conf, dsn = read_conf(args.db)
    connection = psycopg2.connect(**dsn)
    connection.autocommit = True
    with connection.cursor() as cr:
        teams, chosen = choose_people(cr, args.supervisors, args.salespeople)
        users = [user for (user, _login), _team, _leader in chosen]
        day = choose_day(cr, users)
        version = odoo_version(cr)
        cr.execute("""
            SELECT u.id, array_agg(c.id ORDER BY c.id) FROM res_users u
            JOIN res_partner c ON c.user_id = u.id AND %s AND c.active
            WHERE u.id = ANY(%%s) GROUP BY u.id
        """ % customers_sql(version), (users,))
        customers = {user: ids[:3] for user, ids in cr.fetchall()}
        times = {user: visit_times(cr, user, day) for user in users}
        cr.execute("SELECT count(*) FROM res_users WHERE share IS NOT TRUE AND active")
        user_count = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM sales_visit_plan")
        plan_count = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM sales_daily_report")
        report_count = cr.fetchone()[0]
    missing = [user for user in users if len(customers.get(user, [])) < 3]
    if missing:
        sys.exit("salespeople without 3 customers: %s" % missing)

    for port in (args.port, args.port + 1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                sys.exit("port %d is in use (another Odoo?): choose another --port" % port)
    logfile = ROOT / "var" / ("load-%s.log" % args.db)
    print("Starting Odoo (2 workers) on 127.0.0.1:%d for %s ..." % (args.port, args.db),
          flush=True)
    server, log_start = start_server(conf, args.db, args.port, logfile, version=version)
    try:
        admin = odoorpc.ODOO("127.0.0.1", port=args.port, timeout=300)
        admin.login(args.db, "admin", args.admin_password)
        logins = [login for (_user, login), _team, _leader in chosen]
        logins += [login for _team, _leader, login in teams]
        ids = admin.execute_kw("res.users", "search", [[("login", "in", logins)]])
        set_passwords(
            lambda some: admin.execute_kw("res.users", "write", [some, {"password": PASSWORD}]),
            lambda sql, params: connection.cursor().execute(sql, params), ids, version)
        admin.logout()
        print("Day %s; %d salespeople of %d teams, %d supervisors; %d client processes at "
              "most" % (day, len(chosen), len(teams), len(teams), args.processes), flush=True)

        load_before = os.getloadavg()[0]
        finished = multiprocessing.Value("i", 0)
        started = time.time()
        deadline = started + args.duration_limit
        results = []
        with multiprocessing.Pool(args.processes, init_worker, (finished, deadline)) as pool:
            for team, _leader, login in teams:
                team_users = [user for (user, _login), member_team, _l in chosen
                              if member_team == team]
                results.append(pool.apply_async(supervisor_run, (
                    args.port, args.db, login, day, team_users, len(chosen), args.poll)))
            for (user, login), _team, _leader in chosen:
                results.append(pool.apply_async(salesperson_run, (
                    args.port, args.db, login, day, customers[user], times[user])))
            records, lost = [], 0
            for result in results:
                try:
                    records += result.get(max(deadline + 120 - time.time(), 1))
                except multiprocessing.TimeoutError:
                    lost += 1
            pool.terminate()
        wall = time.time() - started
        load = "%.1f before, %.1f after the run" % (load_before, os.getloadavg()[0])
    finally:
        stop_server(server)
    checks = check_database(connection, users, day)
    connection.close()
    with open(logfile, "rb") as log:
        log.seek(log_start)
        server_errors = [line.decode(errors="replace").strip() for line in log
                         if b" ERROR " in line or b" CRITICAL " in line]
    report(args, day, chosen, teams, records, lost, wall, checks, server_errors,
           (user_count, plan_count, report_count), logfile, load)


def report(args, day, chosen, teams, records, lost, wall, checks, server_errors, sizes,
           logfile, load):
    by_operation = defaultdict(list)
    errors = defaultdict(int)
    messages = []
    for operation, seconds, error in records:
        by_operation[operation].append(seconds)
        if error:
            errors[operation] += 1
            message = "%s: %s" % (operation, " ".join(error.split()))
            if message not in messages:
                messages.append(message)
    order = ["login", "create plan", "add visit", "submit plan", "record visits",
             "create report",
             "submit report", "list submitted plans", "approve plan",
             "list submitted reports", "score report", "approve report"]
    operations = [name for name in order if name in by_operation]
    operations += sorted(set(by_operation) - set(order))
    total = sum(len(values) for values in by_operation.values())
    print("\n%s UTC. Machine: %s, %d cores, Python %s; Odoo with 2 workers on 127.0.0.1, "
          "no cron thread; %d client processes at most; load average (1 min) %s" % (
              datetime.utcnow().strftime("%Y-%m-%d %H:%M"),
              platform.processor() or platform.machine(), os.cpu_count(),
              platform.python_version(), args.processes, load))
    print("Database %s: %d internal users, %d visit plans, %d daily reports before the run"
          % ((args.db,) + sizes))
    print("Load: %d salespeople of %d teams submit the plan (3 visits) and the report of %s; "
          "%d supervisors approve\n" % (len(chosen), len(teams), day, len(teams)))
    print("| operation | requests | errors | p50 (ms) | p95 (ms) | max (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in operations:
        values = by_operation[name]
        print("| %s | %d | %d | %.0f | %.0f | %.0f |" % (
            name, len(values), errors[name], 1000 * percentile(values, 0.5),
            1000 * percentile(values, 0.95), 1000 * max(values)))
    everything = [seconds for values in by_operation.values() for seconds in values] or [0.0]
    print("| **all** | **%d** | **%d** | %.0f | %.0f | %.0f |" % (
        total, sum(errors.values()), 1000 * percentile(everything, 0.5),
        1000 * percentile(everything, 0.95), 1000 * max(everything)))
    print("\n%d requests in %.1f s: %.1f requests/s; %d errors%s" % (
        total, wall, total / wall, sum(errors.values()),
        "" if not lost else "; %d client processes did not finish in time" % lost))
    for message in messages[:5]:
        print("  - %s" % message)
    print("Server log (%s): %d ERROR/CRITICAL lines%s" % (
        logfile.relative_to(ROOT), len(server_errors),
        (": " + server_errors[0][:300]) if server_errors else ""))
    people = len(chosen)
    print("\nIn the database, for %s and the %d salespeople:" % (day, people))
    print("| check | found | expected |")
    print("| --- | ---: | ---: |")
    for name, expected in (("one plan", people), ("no plan", 0), ("duplicate plans", 0),
                           ("3 visits", people), ("one report", people), ("no report", 0),
                           ("duplicate reports", 0), ("plans approved", people),
                           ("reports scored and approved", people)):
        print("| %s | %d | %d |" % (name, checks[name], expected))
    ok = (checks["one plan"] == checks["one report"] == checks["3 visits"] == people
          and checks["plans approved"] == checks["reports scored and approved"] == people)
    print("\n%s" % ("OK: no loss, no duplicate, everything approved" if ok else "NOT OK"))


if __name__ == "__main__":
    main()
