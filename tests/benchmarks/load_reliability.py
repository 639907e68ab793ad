"""Nothing lost under faults and concurrency, on one or two servers (not part of the test suite).

    .venv/bin/python tests/benchmarks/load_reliability.py --db spm_reliability --servers 2 \\
        --warn-lines 60
    .venv/bin/python tests/benchmarks/load_reliability.py --db spm_reliability --fault pg-restart
    .venv/bin/python tests/benchmarks/load_reliability.py --db spm_reliability \\
        --fault kill-worker --faults 3
    .venv/bin/python tests/benchmarks/load_reliability.py --db spm_reliability --fault cut-client

On either edition: an Odoo 18 database is served by the Odoo 18 of
SPM_ODOO18_PYTHON and SPM_ODOO18_BIN (see ``load_submissions.py``; the company
from ``reliability_company.py``).

The load of ``load_submissions.py`` (its people, its day, its 3 visits, its
checks; imported from it): ``--salespeople`` salespeople create the visit plan
of the day, add 3 visits, submit it, record them done, create the daily
report and submit it;
``--supervisors`` supervisors approve the plans, score and approve the reports.
The clients here retry: on a connection error, an HTTP 5xx, a database that is
unavailable or a concurrency error that Odoo's own retries did not absorb, a
client waits (1, 2, 4, 8, 8 ... s, times ``--backoff``), logs in again and,
before writing again,
reads what the database already holds for the day (the plan, its visits, the
report and their states), so that a request whose answer was lost is not made
twice.  A read is simply repeated.

``--servers 2`` (run 1): two Odoo servers, separate processes on two ports,
each with ``--workers`` HTTP workers and a cron worker, on one database and one
data_dir; every client sends its requests to the two servers in turn.  The
addon's four scheduled actions (weekly reports, missing-report reminders,
escalations, targets behind) are postponed before the servers start, then made
due (``nextcall`` set to now in the database) when the load starts and again
every ``--force-every`` seconds for ``--cron-seconds`` and until both cron
workers have had them due, then until every one has run after the last forcing.
Before, fresh work for them: the reports already reminded and the target lines
already warned marked as not done (``--warn-lines N``: only the first N running
lines left to warn, the others marked warned today), market reports created
over RPC and made older than the escalation delay.  After the
load, the same four actions are started by hand (``ir.cron.method_direct_trigger``,
which takes no lock in Odoo 11; Odoo 18's refuses while the job's row is
locked) on the two servers at the same moment, each on fresh work
(the reminders, warnings and escalations of the first phase marked as not
sent, new market reports made due), and a director makes the weekly reports of
an empty week on the two servers at the same moment.  A web session opened on
one server is used on the other (sessions live in data_dir/sessions).

``--fault pg-restart``: PostgreSQL (the cluster serving the database, found
with pg_lsclusters from its port) is restarted (``pg_ctlcluster ... restart``)
when ``--faults`` fractions of the submissions are made.  ``--fault
kill-worker``: an HTTP worker of the server that is answering a request (an
established connection on the HTTP port) is killed with SIGKILL.  ``--fault
cut-client``: the first attempt of one write of every salesperson (create plan,
add visit, submit plan, create report, submit report in turn) and of the first
approvals of every supervisor is sent as a raw HTTP request whose socket is
closed before the answer.

Afterwards, in SQL: every salesperson's plan and report of the day exist once
or not at all, never in part (a plan with other than its 3 visits, a submitted
plan without its approver and submission, a submitted report without its
figures: prefill time, the plan's visits counted, the day's confirmed orders
linked), one "submitted" message per submission and one "approved" message per
approval, no open approval activity left on an approved document; for
``--servers 2`` also what the scheduled actions made (one weekly report per team
and week, one reminder activity per missing report and run window, one digest
per approver, one warning per target line and person, one escalation per
level).  It prints Markdown tables and writes JSON to ``var/bench/``.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import psutil
import psycopg2
import psycopg2.errors
from load_submissions import (
    PASSWORD,
    REPORT_TEXT,
    ROOT,
    check_database,
    choose_day,
    choose_people,
    customers_sql,
    odoo_version,
    percentile,
    read_conf,
    set_passwords,
    start_server,
    stop_server,
    visit_times,
)

OPERATIONS = ["login", "create plan", "add visit", "submit plan", "record visits",
              "create report",
              "submit report", "list submitted plans", "approve plan",
              "list submitted reports", "score report", "approve report",
              "read plan", "read visits", "read report", "complete report"]
# The operations a salesperson's first attempt is cut on (--fault cut-client), in turn.
CUT_OPERATIONS = ["create plan", "add visit", "submit plan", "create report", "submit report"]
CRONS = {
    "weekly": "ir_cron_sales_weekly_report",
    "reminders": "ir_cron_sales_daily_report_missing",
    "escalations": "ir_cron_sales_market_report_escalate",
    "behind": "ir_cron_sales_target_warn_behind",
}
# Errors of the database or of Odoo's concurrency retries: the request may be sent again.
DATABASE_ERRORS = ("psycopg2.", "odoo.sql_db.")
NOT_LOADED = "not fully loaded"
MARKET_TEXT = "Reliability run: a shop asks for the new pack."

# Set in each client process by the pool's initializer.
FINISHED = None
DEADLINE = None
BACKOFF = 1.0


class Retryable(Exception):
    """The request may not have reached the database, or its answer was lost:
    read before writing again."""

    def __init__(self, kind, message):
        super().__init__("%s: %s" % (kind, message))
        self.kind = kind


class AppError(Exception):
    """Odoo refused the request (odoo.exceptions.*): an answer, not a fault."""

    def __init__(self, name, message):
        super().__init__("%s: %s" % (name, message))
        self.name = name
        self.message = message


class ServerFault(Exception):
    """Any other server error (a traceback that is not a refusal): a defect
    unless explained."""

    def __init__(self, name, message):
        super().__init__("%s: %s" % (name, message))
        self.kind = "server error %s" % name


def backoff(attempt):
    """Wait before retrying: 1, 2, 4, 8, 8 ... s (± 25 %), times --backoff."""
    time.sleep(BACKOFF * min(2 ** attempt, 8) * random.uniform(0.75, 1.25))


def json_body(service, method, args):
    return json.dumps({"jsonrpc": "2.0", "method": "call", "id": random.randint(1, 10 ** 9),
                       "params": {"service": service, "method": method, "args": args}})


def post_json(port, body, timeout):
    """One JSON-RPC request to /jsonrpc; its result, or Retryable / AppError / ServerFault."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
    except ConnectionRefusedError as error:
        raise Retryable("connection refused", error) from error
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected,
            http.client.IncompleteRead) as error:
        raise Retryable("connection lost", "%s %s" % (type(error).__name__, error)) from error
    except TimeoutError as error:
        raise Retryable("timeout", error) from error
    finally:
        connection.close()
    if response.status >= 500:
        raise Retryable("HTTP %d" % response.status, data[:200])
    if response.status != 200:
        raise ServerFault("HTTP %d" % response.status, data[:200])
    reply = json.loads(data)
    if "error" not in reply:
        return reply["result"]
    error = reply["error"].get("data") or {}
    name = error.get("name") or "?"
    message = " ".join(str(error.get("message") or reply["error"].get("message")).split())
    if name.startswith(DATABASE_ERRORS) or NOT_LOADED in message:
        raise Retryable("database error %s" % name, message[:200])
    if name.startswith("odoo.exceptions."):
        raise AppError(name[len("odoo.exceptions."):], message[:300])
    raise ServerFault(name, message[:300])


def cut_request(port, body):
    """Send the request, then close the socket before the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        payload = body.encode()
        sock.sendall(b"POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                     b"Content-Type: application/json\r\nContent-Length: %d\r\n"
                     b"Connection: close\r\n\r\n%s" % (port, len(payload), payload))
    raise Retryable("cut by the client", "socket closed after sending, before the answer")


class Client:
    """One user's JSON-RPC client over several servers, taken in turn request
    by request.  Every request is recorded as (operation, seconds, error kind
    or None, message, server index)."""

    def __init__(self, ports, db, login, turn=0, cut=(), timeout=120, password=PASSWORD):
        self.ports, self.db, self.login_name, self.password = ports, db, login, password
        self.turn, self.cut, self.timeout = turn, set(cut), timeout
        self.uid, self.context = None, {}
        self.records = []

    def request(self, operation, service, method, args):
        server = self.turn % len(self.ports)
        self.turn += 1
        body = json_body(service, method, args)
        start = time.perf_counter()
        try:
            if operation in self.cut:
                self.cut.discard(operation)
                cut_request(self.ports[server], body)
            result = post_json(self.ports[server], body, self.timeout)
        except (Retryable, ServerFault) as error:
            self.records.append((operation, time.perf_counter() - start, error.kind,
                                 str(error)[:300], server))
            raise
        except AppError as error:
            self.records.append((operation, time.perf_counter() - start,
                                 "refused (%s)" % error.name, str(error)[:300], server))
            raise
        self.records.append((operation, time.perf_counter() - start, None, None, server))
        return result

    def login(self):
        """Log in (the password check and the user's context), again until it
        works or the time is up."""
        for attempt in range(1000):
            try:
                self.uid = self.request("login", "common", "login",
                                        [self.db, self.login_name, self.password])
                self.context = self.execute("login", "res.users", "context_get", [])
                return
            except (Retryable, ServerFault):
                if time.time() > DEADLINE:
                    raise
                backoff(attempt)

    def execute(self, operation, model, method, args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self.request(operation, "object", "execute_kw",
                            [self.db, self.uid, self.password, model, method, args, kwargs])

    def read(self, operation, model, method, args, **kwargs):
        """A read, repeated until it is answered (logging in again after a fault)."""
        for attempt in range(1000):
            try:
                return self.execute(operation, model, method, args, **kwargs)
            except (Retryable, ServerFault):
                if time.time() > DEADLINE:
                    raise
                backoff(attempt)
                self.login()


def init_worker(finished, deadline, scale):
    global FINISHED, DEADLINE, BACKOFF
    FINISHED, DEADLINE, BACKOFF = finished, deadline, scale
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def load_state(client, day):
    """What the database holds of the salesperson's day: the plan (id, state),
    its visits {(customer, planned start): [id, result]} and the report (id,
    state, reflections)."""
    domain = [("user_id", "=", client.uid), ("date", "=", str(day))]
    plans = client.read("read plan", "sales.visit.plan", "search_read", [domain],
                        fields=["state"])
    visits = client.read("read visits", "sales.visit", "search_read", [domain],
                         fields=["partner_id", "planned_start", "state"]) if plans else []
    reports = client.read("read report", "sales.daily.report", "search_read", [domain],
                          fields=["state", "reflections"])
    return {
        "plan": plans[0] if plans else None,
        "visits": {(visit["partner_id"][0], visit["planned_start"]): [visit["id"],
                                                                      visit["state"]]
                   for visit in visits},
        "report": reports[0] if reports else None,
    }


def salesperson_run(ports, db, login, day, customers, times, turn, cut):
    """The salesperson's day, retried until done or the deadline: after any
    failed write, the state is read again before the next write."""
    client = Client(ports, db, login, turn, cut)
    outcome = {"login": login, "done": False, "failures": 0, "gave up": None}
    wanted = [(customer, start, stop) for (start, stop), customer
              in zip(times, customers, strict=True)]
    try:
        client.login()
        # Nothing of the day exists when the run starts (the day is chosen so).
        state = {"plan": None, "visits": {}, "report": None}
        refusals = Counter()
        attempt = 0
        while not outcome["done"]:
            if time.time() > DEADLINE:
                outcome["gave up"] = "time limit"
                break
            try:
                if state is None:
                    state = load_state(client, day)
                if state["plan"] is None:
                    plan = client.execute("create plan", "sales.visit.plan", "create",
                                          [{"date": str(day)}])
                    state["plan"] = {"id": plan, "state": "draft"}
                plan = state["plan"]
                if plan["state"] == "draft":
                    for customer, start, stop in wanted:
                        if (customer, start) not in state["visits"]:
                            visit = client.execute("add visit", "sales.visit", "create", [{
                                "plan_id": plan["id"], "partner_id": customer,
                                "planned_start": start, "planned_stop": stop,
                                "purpose": "order"}])
                            state["visits"][(customer, start)] = [visit, "todo"]
                    client.execute("submit plan", "sales.visit.plan", "action_submit",
                                   [[plan["id"]]])
                    plan["state"] = "submitted"
                # A report is submitted once every visit of the day has its
                # result (Done is idempotent: sent again, it changes nothing).
                todo = [visit for visit in state["visits"].values() if visit[1] == "todo"]
                if todo and (state["report"] is None or state["report"]["state"] == "draft"):
                    client.execute("record visits", "sales.visit", "action_done",
                                   [[visit[0] for visit in todo]])
                    for visit in todo:
                        visit[1] = "done"
                if state["report"] is None:
                    report = client.execute("create report", "sales.daily.report", "create",
                                            [{"date": str(day), "reflections": REPORT_TEXT}])
                    state["report"] = {"id": report, "state": "draft",
                                       "reflections": REPORT_TEXT}
                report = state["report"]
                if report["state"] == "draft":
                    if not report["reflections"]:  # made by someone else (the scheduler)
                        client.execute("complete report", "sales.daily.report", "write",
                                       [[report["id"]], {"reflections": REPORT_TEXT}])
                        report["reflections"] = REPORT_TEXT
                    client.execute("submit report", "sales.daily.report", "action_submit",
                                   [[report["id"]]])
                    report["state"] = "submitted"
                outcome["done"] = True
            except (Retryable, ServerFault):
                outcome["failures"] += 1
                state = None
                backoff(attempt)
                attempt += 1
                client.login()
            except AppError as error:
                # e.g. "already has a visit plan" or "has already been submitted":
                # an earlier attempt went through; read and go on.  The same
                # refusal three times is an answer: stop.
                outcome["failures"] += 1
                state = None
                refusals[error.message] += 1
                if refusals[error.message] >= 3:
                    outcome["gave up"] = str(error)[:300]
                    break
                backoff(0)
    except Exception as error:  # the login or a read ran out of time
        outcome["gave up"] = ("%s: %s" % (type(error).__name__, error))[:300]
    finally:
        with FINISHED.get_lock():
            FINISHED.value += 1
    return client.records, outcome


def supervisor_run(ports, db, login, day, team_users, total, poll, turn, cut):
    """List the team's submitted plans and reports of the day, approve the
    plans, score and approve the reports; until everyone has finished and
    nothing is left, or the deadline.  A failed approval is seen again in the
    next listing."""
    client = Client(ports, db, login, turn, cut)
    outcome = {"login": login, "done": False, "failures": 0, "gave up": None}
    domain = [("state", "=", "submitted"), ("date", "=", str(day)),
              ("user_id", "in", team_users)]
    try:
        client.login()
        while time.time() < DEADLINE:
            everyone_done = FINISHED.value >= total
            plans = client.read("list submitted plans", "sales.visit.plan", "search_read",
                                [domain], fields=["user_id", "name"])
            for plan in plans:
                try:
                    client.execute("approve plan", "sales.visit.plan", "action_approve",
                                   [[plan["id"]]])
                except (Retryable, ServerFault, AppError):
                    outcome["failures"] += 1
            reports = client.read("list submitted reports", "sales.daily.report",
                                  "search_read", [domain], fields=["user_id", "name"])
            for report in reports:
                try:
                    client.execute("score report", "sales.daily.report", "write",
                                   [[report["id"]], {"quality_score": "4",
                                                     "review_comment": "Good day, keep it up."}])
                    client.execute("approve report", "sales.daily.report", "action_approve",
                                   [[report["id"]]])
                except (Retryable, ServerFault, AppError):
                    outcome["failures"] += 1
            if not plans and not reports:
                if everyone_done:
                    outcome["done"] = True
                    break
                time.sleep(poll)
        else:
            outcome["gave up"] = "time limit"
    except Exception as error:
        outcome["gave up"] = ("%s: %s" % (type(error).__name__, error))[:300]
    return client.records, outcome


# ---------------------------------------------------------------- the database


def connect(dsn, attempts=60):
    for attempt in range(attempts):
        try:
            connection = psycopg2.connect(**dsn)
            connection.autocommit = True
            return connection
        except psycopg2.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(1)


def query(dsn, sql, params=None):
    connection = connect(dsn)
    try:
        with connection.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else cr.rowcount
    finally:
        connection.close()


def progress(dsn, users, day):
    """Submissions made so far: plans and reports of the day no longer drafts."""
    return query(dsn, """
        SELECT (SELECT count(*) FROM sales_visit_plan WHERE user_id = ANY(%(u)s)
                AND date = %(d)s AND state <> 'draft')
             + (SELECT count(*) FROM sales_daily_report WHERE user_id = ANY(%(u)s)
                AND date = %(d)s AND state <> 'draft')
    """, {"u": users, "d": day})[0][0]


def integrity(dsn, users, day, customers, times):
    """Every salesperson's plan and report of ``day``: exist once or not at
    all, never in part; the submissions' side effects once.  Returns
    ({check: count}, [problem lines])."""
    rows = query(dsn, """
        WITH k AS (SELECT unnest(%(users)s) AS user_id)
        SELECT k.user_id,
          (SELECT count(*) FROM sales_visit_plan p WHERE p.user_id = k.user_id
             AND p.date = %(day)s),
          p.id, p.state, p.approver_id, p.submitted_at, p.submit_count, p.approved_by_id,
          (SELECT array_agg(v.partner_id || ' ' || v.planned_start ORDER BY v.id)
             FROM sales_visit v WHERE v.plan_id = p.id),
          (SELECT count(*) FROM sales_daily_report r WHERE r.user_id = k.user_id
             AND r.date = %(day)s),
          r.id, r.state, r.approver_id, r.first_submitted_at, r.submit_count,
          r.prefilled_at, r.visit_planned_count, r.order_count, r.reflections,
          r.quality_score, r.approved_by_id,
          (SELECT array_agg(x.order_id ORDER BY x.order_id)
             FROM sales_daily_report_sale_order_rel x WHERE x.report_id = r.id),
          (SELECT array_agg(so.id ORDER BY so.id) FROM sale_order so
             JOIN res_company c ON c.id = so.company_id
             JOIN res_partner cp ON cp.id = c.partner_id
            WHERE so.user_id = k.user_id AND so.state IN ('sale', 'done')
              AND (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(cp.tz, 'UTC'))::date
                  = %(day)s)
        FROM k
        LEFT JOIN LATERAL (SELECT * FROM sales_visit_plan p WHERE p.user_id = k.user_id
                           AND p.date = %(day)s ORDER BY p.id LIMIT 1) p ON TRUE
        LEFT JOIN LATERAL (SELECT * FROM sales_daily_report r WHERE r.user_id = k.user_id
                           AND r.date = %(day)s ORDER BY r.id LIMIT 1) r ON TRUE
    """, {"users": users, "day": day})
    documents = [("sales.visit.plan", row[2]) for row in rows if row[2]] + \
                [("sales.daily.report", row[10]) for row in rows if row[10]]
    messages = defaultdict(Counter)
    for model, res_id, submitted, approved in query(dsn, """
        SELECT model, res_id, count(*) FILTER (WHERE body ILIKE %(submitted)s),
               count(*) FILTER (WHERE body ILIKE %(approved)s)
        FROM mail_message
        WHERE (model, res_id) IN (SELECT * FROM unnest(%(models)s::varchar[], %(ids)s::int[]))
        GROUP BY model, res_id
    """, {"submitted": "%submitted for approval to%", "approved": "%approved by%",
          "models": [d[0] for d in documents], "ids": [d[1] for d in documents]}):
        messages[(model, res_id)].update(submitted=submitted, approved=approved)
    activities = Counter({(model, res_id): count for model, res_id, count in query(dsn, """
        SELECT res_model, res_id, count(*) FROM mail_activity
        WHERE summary LIKE 'Approve %%'
          AND (res_model, res_id) IN (SELECT * FROM unnest(%(models)s::varchar[],
                                                           %(ids)s::int[]))
        GROUP BY res_model, res_id
    """, {"models": [d[0] for d in documents], "ids": [d[1] for d in documents]})})
    checks, problems = Counter(), []

    def problem(user, text):
        checks["problems"] += 1
        problems.append("user %s: %s" % (user, text))

    for row in rows:
        (user, plan_count, plan, plan_state, plan_approver, plan_submitted, plan_submits,
         plan_approved_by, visits, report_count, report, report_state, report_approver,
         report_submitted, report_submits, prefilled_at, visit_planned, order_count,
         reflections, score, report_approved_by, linked, orders) = row
        wanted = sorted("%s %s" % (customer, start) for customer, (start, _stop)
                        in zip(customers[user], times[user], strict=True))
        checks["plans"] += plan_count
        checks["reports"] += report_count
        if plan_count > 1:
            problem(user, "%d plans of the day" % plan_count)
        if report_count > 1:
            problem(user, "%d reports of the day" % report_count)
        if plan:
            checks["plans with exactly their 3 visits"] += sorted(visits or []) == wanted
            if sorted(visits or []) != wanted:
                problem(user, "plan %s (%s) has the visits %s, not %s"
                        % (plan, plan_state, visits, wanted))
            if plan_state != "draft":
                submitted = messages[("sales.visit.plan", plan)]["submitted"]
                if not (plan_approver and plan_submitted and plan_submits == 1):
                    problem(user, "plan %s %s without approver/submission (count %s)"
                            % (plan, plan_state, plan_submits))
                if submitted != plan_submits:
                    problem(user, "plan %s: %d 'submitted' messages for %s submissions"
                            % (plan, submitted, plan_submits))
            if plan_state == "approved":
                checks["plans approved"] += 1
                if not plan_approved_by:
                    problem(user, "plan %s approved by nobody" % plan)
                if messages[("sales.visit.plan", plan)]["approved"] != 1:
                    problem(user, "plan %s: %d 'approved' messages" % (
                        plan, messages[("sales.visit.plan", plan)]["approved"]))
                if activities[("sales.visit.plan", plan)]:
                    problem(user, "plan %s approved with %d open approval activities"
                            % (plan, activities[("sales.visit.plan", plan)]))
            elif plan_state == "submitted" and activities[("sales.visit.plan", plan)] != 1:
                problem(user, "plan %s submitted with %d approval activities"
                        % (plan, activities[("sales.visit.plan", plan)]))
        if report:
            if report_state != "draft":
                complete = (prefilled_at and visit_planned == 3 and report_approver
                            and report_submitted and report_submits == 1
                            and reflections == REPORT_TEXT
                            and (linked or []) == (orders or [])
                            and order_count == len(orders or []))
                checks["submitted reports with their figures"] += bool(complete)
                if not complete:
                    problem(user, "report %s %s: prefilled %s, %s visits planned, approver "
                            "%s, submitted %s (%s times), orders %s (%s) vs %s, text %r"
                            % (report, report_state, prefilled_at, visit_planned,
                               report_approver, report_submitted, report_submits, linked,
                               order_count, orders, reflections))
                submitted = messages[("sales.daily.report", report)]["submitted"]
                if submitted != report_submits:
                    problem(user, "report %s: %d 'submitted' messages for %s submissions"
                            % (report, submitted, report_submits))
            if report_state == "approved":
                checks["reports approved"] += 1
                if not (score and report_approved_by):
                    problem(user, "report %s approved without score/approver" % report)
                if messages[("sales.daily.report", report)]["approved"] != 1:
                    problem(user, "report %s: %d 'approved' messages" % (
                        report, messages[("sales.daily.report", report)]["approved"]))
                if activities[("sales.daily.report", report)]:
                    problem(user, "report %s approved with %d open approval activities"
                            % (report, activities[("sales.daily.report", report)]))
        checks["orders linked to the reports"] += len(linked or []) if report else 0
    return checks, problems


# ------------------------------------------------------------------ servers


def server_ports(args):
    return [args.port + 10 * index for index in range(args.servers)]


def start_servers(args, conf, log_handlers):
    servers = []
    try:
        for index, port in enumerate(server_ports(args)):
            for probe_port in (port, port + 1):
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", probe_port)) == 0:
                        sys.exit("port %d is in use (another Odoo?): choose another --port"
                                 % probe_port)
            logfile = ROOT / "var" / ("reliability-%s-%s.log" % (args.db, "AB"[index]))
            print("Starting Odoo %s (%d workers, %d cron worker) on 127.0.0.1:%d ..." % (
                "AB"[index], args.workers, args.cron_workers, port), flush=True)
            process, log_start = start_server(
                conf, args.db, port, logfile, workers=args.workers,
                cron_threads=args.cron_workers, log_handlers=log_handlers,
                options=args.extra_options, version=args.version)
            servers.append({"name": "AB"[index], "port": port, "process": process,
                            "logfile": logfile, "log_start": log_start})
    except BaseException:
        for server in servers:
            stop_server(server["process"])
        raise
    return servers


def read_log(server):
    with open(server["logfile"], "rb") as log:
        log.seek(server["log_start"])
        return [line.decode(errors="replace").rstrip("\n") for line in log]


def log_errors(lines):
    """The ERROR / CRITICAL entries (first line of each), and the lines of their tracebacks."""
    entries, current = [], None
    for line in lines:
        if re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ", line):
            current = None
            if " ERROR " in line or " CRITICAL " in line:
                current = {"line": line, "traceback": []}
                entries.append(current)
        elif current is not None:
            current["traceback"].append(line)
    return entries


def http_workers(server):
    """The server's HTTP worker processes: its children listening on the HTTP
    port (the cron worker closes that socket, the longpolling process has its own)."""
    workers = []
    for child in psutil.Process(server["process"].pid).children():
        try:
            if any(c.status == psutil.CONN_LISTEN and c.laddr.port == server["port"]
                   for c in child.net_connections(kind="tcp")):
                workers.append(child)
        except psutil.Error:
            continue
    return workers


# ------------------------------------------------------------------- faults


def cluster_of(port):
    """(version, name) of the PostgreSQL cluster listening on ``port``."""
    output = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                            check=True).stdout
    for line in output.splitlines():
        version, name, cluster_port = line.split()[:3]
        if int(cluster_port) == port:
            return version, name
    sys.exit("no PostgreSQL cluster on port %d (pg_lsclusters)" % port)


def restart_postgresql(cluster, events):
    started = time.time()
    result = subprocess.run(["pg_ctlcluster", cluster[0], cluster[1], "restart"],
                            capture_output=True, text=True)
    events.append({"fault": "PostgreSQL %s/%s restarted" % cluster, "at": started,
                   "seconds": round(time.time() - started, 1),
                   "result": result.returncode, "output": (result.stderr or "").strip()[:200]})


def kill_busy_worker(server, events, wait=15):
    """SIGKILL an HTTP worker that holds an established connection on the
    HTTP port (it is answering a request); any worker after ``wait`` s."""
    started = time.time()
    while True:
        workers = http_workers(server)
        busy = []
        for worker in workers:
            try:
                connections = worker.net_connections(kind="tcp")
            except psutil.Error:
                continue
            if any(c.status == psutil.CONN_ESTABLISHED and c.laddr.port == server["port"]
                   for c in connections):
                busy.append(worker)
        if busy or time.time() - started > wait:
            break
        time.sleep(0.02)
    victim = (busy or workers)[0]
    try:
        cpu = victim.cpu_percent(None)
    except psutil.Error:
        cpu = None
    os.kill(victim.pid, signal.SIGKILL)
    events.append({"fault": "HTTP worker %d of server %s killed (SIGKILL)" % (
        victim.pid, server["name"]), "at": time.time(), "answering a request": bool(busy),
        "workers before": len(workers), "cpu": cpu})


def fault_thread(args, dsn, users, day, servers, cluster, events, stop):
    """Injects the faults when the submissions reach the fractions of --faults."""
    total = 2 * len(users)
    thresholds = [total * (index + 1) / (args.faults + 1) for index in range(args.faults)]
    for threshold in thresholds:
        while not stop.is_set():
            try:
                done = progress(dsn, users, day)
            except psycopg2.Error:
                done = 0
            if done >= threshold:
                break
            time.sleep(0.2)
        if stop.is_set():
            return
        events.append({"fault": "trigger", "at": time.time(), "submissions made": done,
                       "of": total})
        if args.fault == "pg-restart":
            restart_postgresql(cluster, events)
        elif args.fault == "kill-worker":
            kill_busy_worker(servers[0], events)


# --------------------------------------------------------- scheduled actions


def cron_ids(dsn):
    rows = query(dsn, """
        SELECT name, res_id FROM ir_model_data
        WHERE module = 'sales_process_mgmt' AND model = 'ir.cron' AND name = ANY(%s)
    """, (list(CRONS.values()),))
    by_xmlid = dict(rows)
    return {key: by_xmlid[xmlid] for key, xmlid in CRONS.items()}


def force_due(dsn, ids):
    """nextcall = now for the cron rows no cron worker holds; (forced, held)."""
    forced = query(dsn, """
        UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC') - interval '1 second'
        WHERE id IN (SELECT id FROM ir_cron WHERE id = ANY(%s) FOR UPDATE SKIP LOCKED)
    """, (list(ids),))
    return forced, len(ids) - forced


def crons_settled(dsn, ids, since):
    """Every cron row has run after ``since`` (nextcall moved past it by the
    run) and none is held by a cron worker."""
    connection = connect(dsn)
    try:
        connection.autocommit = False
        with connection.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '100ms'")
            try:
                cr.execute("SELECT id, nextcall FROM ir_cron WHERE id = ANY(%s) FOR UPDATE",
                           (list(ids),))
                rows = cr.fetchall()
            except psycopg2.errors.LockNotAvailable:
                return False
            finally:
                connection.rollback()
        return all(nextcall > since for _id, nextcall in rows)
    finally:
        connection.close()


def cron_forcer(dsn, ids, every, stop, events):
    while not stop.is_set():
        forced, held = force_due(dsn, ids.values())
        events.append({"forced": forced, "held by a cron worker": held, "at": time.time()})
        stop.wait(every)


# Odoo 18's cron log names a job by its repr and id, or by its id alone.
CRON_NAMES = {}


def job_lines(server):
    """What the server's cron worker did with the jobs: {job: Counter} of
    "runs", "seconds" (their total), "busy" (skipped: held by another
    process) and "already run" (skipped: run by another process meanwhile)."""
    jobs = defaultdict(Counter)
    for line in read_log(server):
        # Odoo 18: "Job 'name' (id) starting", "... done in 1.2s", "another
        # worker is processing job id, skip", "job id has been processed by
        # another worker, skip".
        match = re.search(r"Job ['\"](.*)['\"] \(\d+\) starting", line)
        if match:
            jobs[match.group(1)]["runs"] += 1
        match = re.search(r"Job ['\"](.*)['\"] \(\d+\) done in ([\d.]+)s", line)
        if match:
            jobs[match.group(1)]["seconds"] += float(match.group(2))
        match = re.search(r"another worker is processing job (\d+), skip", line)
        if match:
            jobs[CRON_NAMES.get(int(match.group(1)), match.group(1))]["busy"] += 1
        match = re.search(r"job (\d+) has been processed by another worker", line)
        if match:
            jobs[CRON_NAMES.get(int(match.group(1)), match.group(1))]["already run"] += 1
        match = re.search(r"Starting job `([^`]*)`", line)
        if match:
            jobs[match.group(1)]["runs"] += 1
        match = re.search(r" ([\d.]+)s \(cron (.*), server action", line)
        if match:
            jobs[match.group(2)]["seconds"] += float(match.group(1))
        match = re.search(r"busy executing job `([^`]*)`", line)
        if match:
            jobs[match.group(1)]["busy"] += 1
        match = re.search(r"Job `([^`]*)` already executed by another", line)
        if match:
            jobs[match.group(1)]["already run"] += 1
    return jobs


def fresh_market_reports(servers, db, people, count, now_sql_dsn):
    """``count`` market reports (normal severity: the supervisor is told at
    once) created over RPC by salespeople, then made older than the
    escalation delay, so that the escalation action climbs them to the director."""
    ids = []
    for index, login in enumerate(people[:count]):
        client = Client([server["port"] for server in servers], db, login, index)
        client.login()
        ids.append(client.execute("create market report", "sales.market.report", "create", [{
            "title": "Reliability %d" % index, "kind": "consumer_feedback",
            "severity": "normal", "description": MARKET_TEXT}]))
    query(now_sql_dsn, """
        UPDATE sales_market_report m SET escalated_at = m.escalated_at
            - make_interval(hours => (c.sales_escalation_hours + 1)::int)
        FROM res_company c WHERE c.id = m.company_id AND m.id = ANY(%s)
    """, (ids,))
    return ids


def cron_snapshot(dsn, since, reminders_of=None, lines_of=None, markets=None):
    """What the scheduled actions made since ``since`` (UTC): counts and duplicates."""
    result = {}
    result["weekly reports, duplicated (team, week)"] = query(dsn, """
        SELECT count(*) FROM (SELECT 1 FROM sales_weekly_report GROUP BY team_id, week_start
                              HAVING count(*) > 1) d""")[0][0]
    result["weekly reports refreshed"] = query(dsn, """
        SELECT count(*) FROM sales_weekly_report WHERE refreshed_at >= %s""", (since,))[0][0]
    result["daily reports, duplicated (salesperson, day)"] = query(dsn, """
        SELECT count(*) FROM (SELECT 1 FROM sales_daily_report GROUP BY user_id, date
                              HAVING count(*) > 1) d""")[0][0]
    rows = query(dsn, """
        SELECT res_id, count(*) FROM mail_activity
        WHERE res_model = 'sales.daily.report' AND summary LIKE 'Submit your daily report of %%'
          AND create_date >= %s GROUP BY res_id""", (since,))
    counts = dict(rows)
    if reminders_of is not None:
        result["reports to remind"] = len(reminders_of)
        result["reminder activities"] = sum(counts.values())
        result["reports reminded once"] = sum(1 for i in reminders_of if counts.get(i) == 1)
        result["reports not reminded"] = sum(1 for i in reminders_of if not counts.get(i))
    result["reports reminded more than once"] = sum(1 for c in counts.values() if c > 1)
    digests = query(dsn, """
        SELECT r.res_partner_id, count(*) FROM mail_message m
        JOIN mail_message_res_partner_rel r ON r.mail_message_id = m.id
        WHERE m.subject = 'Daily reports missing' AND m.create_date >= %s
        GROUP BY r.res_partner_id""", (since,))
    result["approvers sent a digest"] = len(digests)
    result["approvers sent more than one digest"] = sum(1 for _p, c in digests if c > 1)
    rows = query(dsn, """
        SELECT a.res_id, a.user_id, count(*) FROM mail_activity a
        JOIN ir_model_data x ON x.model = 'mail.activity.type' AND x.res_id = a.activity_type_id
         AND x.module = 'sales_process_mgmt' AND x.name = 'mail_activity_type_target_behind'
        WHERE a.res_model = 'sales.target.line' AND a.create_date >= %s
        GROUP BY a.res_id, a.user_id""", (since,))
    result["target warnings (line, person)"] = len(rows)
    result["target warnings duplicated"] = sum(1 for *_k, c in rows if c > 1)
    if lines_of is not None:
        with_activity = {line for line, _user, _c in rows}
        marked = {row[0] for row in query(dsn, """
            SELECT id FROM sales_target_line WHERE id = ANY(%s) AND warning_date IS NOT NULL
        """, (lines_of,))}
        result["target lines to check"] = len(lines_of)
        result["target lines warned (behind or at risk)"] = len(marked)
        result["warned without an activity, or the reverse"] = len(
            marked ^ (with_activity & set(lines_of)))
    rows = query(dsn, """
        SELECT a.res_id, a.user_id, count(*) FROM mail_activity a
        JOIN ir_model_data x ON x.model = 'mail.activity.type' AND x.res_id = a.activity_type_id
         AND x.module = 'sales_process_mgmt' AND x.name = 'mail_activity_type_market_report'
        WHERE a.res_model = 'sales.market.report' AND a.create_date >= %s
        GROUP BY a.res_id, a.user_id""", (since,))
    result["escalation activities duplicated (report, person)"] = sum(
        1 for *_k, c in rows if c > 1)
    if markets:
        rows = query(dsn, """
            SELECT m.id, m.escalation_level,
                   (SELECT count(*) FROM mail_message x WHERE x.model = 'sales.market.report'
                     AND x.res_id = m.id AND x.body LIKE '%%escalated to%%'
                     AND x.create_date >= %s)
            FROM sales_market_report m WHERE m.id = ANY(%s)""", (since, markets))
        result["market reports to escalate"] = len(markets)
        result["escalated to the director once"] = sum(
            1 for _id, level, messages in rows if level == "2" and messages == 1)
        result["escalated more than once"] = sum(1 for *_r, messages in rows if messages > 1)
    return result


def direct_race(servers, db, login, password, model, method, args):
    """The same call on every server at the same moment (a barrier); each
    server's answer ("ok" or the error)."""
    barrier = threading.Barrier(len(servers))
    answers = [None] * len(servers)

    def call(index):
        client = Client([servers[index]["port"]], db, login, password=password)
        client.login()
        barrier.wait()
        start = time.perf_counter()
        try:
            client.execute("race", model, method, args)
            answers[index] = "ok (%.1f s)" % (time.perf_counter() - start)
        except (Retryable, ServerFault, AppError) as error:
            answers[index] = "%s (%.1f s)" % (str(error)[:200], time.perf_counter() - start)

    threads = [threading.Thread(target=call, args=(index,)) for index in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def db_now(dsn):
    return query(dsn, "SELECT now() AT TIME ZONE 'UTC'")[0][0]


def reset_reminders(dsn):
    """The daily reports of the last days already reminded, marked as not reminded."""
    return [row[0] for row in query(dsn, """
        UPDATE sales_daily_report SET missing_notified = FALSE
        WHERE missing_notified AND date >= current_date - 10 RETURNING id""")]


def reset_warnings(dsn, lines=None):
    """The running target lines marked as not warned about (all of them, or
    the first ``lines`` by id, the others marked as warned today); returns
    the ids of those left to warn."""
    query(dsn, "UPDATE sales_target_line SET warning_date = NULL WHERE warning_date IS NOT NULL")
    running = [row[0] for row in query(dsn, """
        SELECT id FROM sales_target_line WHERE date_from <= current_date
        AND date_to >= current_date ORDER BY id""")]
    if lines is not None:
        query(dsn, "UPDATE sales_target_line SET warning_date = current_date WHERE id = ANY(%s)",
              (running[lines:],))
        running = running[:lines]
    return running


def manual_races(args, dsn, servers, ids, extra_salespeople):
    """Phase 2: each action started by hand on both servers at the same moment,
    on fresh work; what it made, checked."""
    races = {}

    def race(name, login, password, model, method, arguments, **expected):
        since = db_now(dsn)
        answers = direct_race(servers, args.db, login, password, model, method, arguments)
        races[name] = {"answers": answers, "checks": cron_snapshot(dsn, since, **expected)}
        return races[name]["checks"]

    admin = ("admin", args.admin_password, "ir.cron", "method_direct_trigger")
    race("reminders", *admin, [[ids["reminders"]]], reminders_of=reset_reminders(dsn))
    race("behind", *admin, [[ids["behind"]]],
         lines_of=reset_warnings(dsn, args.warn_lines))
    markets = fresh_market_reports(servers, args.db, extra_salespeople[10:], 10, dsn)
    race("escalations", *admin, [[ids["escalations"]]], markets=markets)
    race("weekly (Monday action)", *admin, [[ids["weekly"]]])
    week = query(dsn, """
        SELECT d::date FROM generate_series(date_trunc('week', current_date) - interval '5 weeks',
                                            date_trunc('week', current_date) - interval '52 weeks',
                                            interval '-1 week') d
        WHERE NOT EXISTS (SELECT 1 FROM sales_weekly_report w WHERE w.week_start = d::date)
        LIMIT 1""")[0][0]
    checks = race("weekly (generate_week of an empty week)", "director", PASSWORD,
                  "sales.weekly.report", "generate_week", [str(week)])
    checks["teams with a leader"] = query(dsn, """
        SELECT count(*) FROM crm_team WHERE user_id IS NOT NULL""")[0][0]
    checks["weekly reports of the week %s" % week] = query(dsn, """
        SELECT count(*) FROM sales_weekly_report WHERE week_start = %s""", (week,))[0][0]
    return races


def web_session_check(servers, db, logins):
    """A web session opened on one server (/web/session/authenticate), used on
    the other (/web/dataset/call_kw): (worked, tried)."""
    worked = 0
    for index, login in enumerate(logins):
        first, second = servers[index % 2], servers[(index + 1) % 2]
        connection = http.client.HTTPConnection("127.0.0.1", first["port"], timeout=60)
        connection.request("POST", "/web/session/authenticate", json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"db": db, "login": login, "password": PASSWORD}}),
            {"Content-Type": "application/json"})
        response = connection.getresponse()
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        uid = json.loads(response.read())["result"]["uid"]
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", second["port"], timeout=60)
        connection.request("POST", "/web/dataset/call_kw", json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 2,
            "params": {"model": "res.users", "method": "read", "args": [[uid], ["login"]],
                       "kwargs": {}}}),
            {"Content-Type": "application/json", "Cookie": cookie})
        reply = json.loads(connection.getresponse().read())
        connection.close()
        worked += reply.get("result", [{}])[0].get("login") == login
    return worked, len(logins)


# --------------------------------------------------------------------- main


def choose_extra_salespeople(dsn, exclude, count):
    """Salespeople outside the load (for the market reports)."""
    return [row[0] for row in query(dsn, """
        SELECT u.login FROM res_users u
        JOIN res_groups_users_rel g ON g.uid = u.id
        JOIN ir_model_data x ON x.res_id = g.gid AND x.model = 'res.groups'
         AND x.module = 'sales_process_mgmt' AND x.name = 'group_salesperson'
        JOIN crm_team t ON t.id = u.sale_team_id AND t.user_id IS NOT NULL AND t.user_id <> u.id
        WHERE u.active AND u.id <> ALL(%s) ORDER BY u.id DESC LIMIT %s
    """, (exclude, count))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="spm_reliability")
    parser.add_argument("--salespeople", type=int, default=50)
    parser.add_argument("--supervisors", type=int, default=5)
    parser.add_argument("--servers", type=int, default=1, choices=(1, 2))
    parser.add_argument("--fault", choices=("pg-restart", "kill-worker", "cut-client"))
    parser.add_argument("--faults", type=int, default=1,
                        help="how many times the fault is injected (pg-restart, kill-worker), "
                             "evenly over the submissions")
    parser.add_argument("--workers", type=int, default=2, help="HTTP workers per server")
    parser.add_argument("--cron-workers", type=int,
                        help="cron workers per server (default: 1 with --servers 2, else 0)")
    parser.add_argument("--warn-lines", type=int,
                        help="with --servers 2: only the first N running target lines are "
                             "left to warn about (the others marked as warned today), so "
                             "that the behind-target action finishes within the time limit")
    parser.add_argument("--cron-time-limit", type=int,
                        help="Odoo's --limit-time-real-cron (default: its --limit-time-real, "
                             "120 s)")
    parser.add_argument("--backoff", type=float, default=1.0,
                        help="scale of the clients' waits before a retry (0: at once)")
    parser.add_argument("--cron-seconds", type=float, default=150,
                        help="with --servers 2: how long the actions are kept due from the "
                             "start of the load (a cron worker polls every 60-70 s)")
    parser.add_argument("--force-every", type=float, default=20,
                        help="seconds between two forcings of the scheduled actions")
    parser.add_argument("--port", type=int, default=8369,
                        help="HTTP port of the first server (the second: +10)")
    parser.add_argument("--duration-limit", type=int, default=300)
    parser.add_argument("--processes", type=int, default=20)
    parser.add_argument("--poll", type=float, default=0.5)
    parser.add_argument("--admin-password", default="admin")
    parser.add_argument("--json", help="where to write the results (default var/bench/...)")
    args = parser.parse_args()
    if args.cron_workers is None:
        args.cron_workers = 1 if args.servers == 2 else 0
    if args.fault == "kill-worker" and args.workers < 2:
        parser.error("--fault kill-worker needs --workers 2 or more")
    mode = "servers-%d" % args.servers + ("-%s" % args.fault if args.fault else "") + (
        "-backoff-%g" % args.backoff if args.backoff != 1.0 else "")

    conf, dsn = read_conf(args.db)
    started_at = datetime.utcnow()
    connection = connect(dsn)
    with connection.cursor() as cr:
        teams, chosen = choose_people(cr, args.supervisors, args.salespeople)
        users = [user for (user, _login), _team, _leader in chosen]
        day = choose_day(cr, users)
        args.version = odoo_version(cr)
        cr.execute("""
            SELECT u.id, array_agg(c.id ORDER BY c.id) FROM res_users u
            JOIN res_partner c ON c.user_id = u.id AND %s AND c.active
            WHERE u.id = ANY(%%s) GROUP BY u.id
        """ % customers_sql(args.version), (users,))
        customers = {user: ids[:3] for user, ids in cr.fetchall()}
        times = {user: visit_times(cr, user, day) for user in users}
        cr.execute("SELECT count(*) FROM sales_visit_plan")
        plan_count = cr.fetchone()[0]
    connection.close()
    extra = choose_extra_salespeople(dsn, users, 20) if args.servers == 2 else []
    cluster = cluster_of(dsn["port"]) if args.fault == "pg-restart" else None
    ids = cron_ids(dsn)
    if args.servers == 2:
        # Postponed until the load starts, whatever they were.
        query(dsn, "UPDATE ir_cron SET nextcall = (now() AT TIME ZONE 'UTC') + interval '1 day' "
                   "WHERE id = ANY(%s)", (list(ids.values()),))

    log_handlers = ["odoo.service.server:INFO", "odoo.service.model:INFO"]
    if args.cron_workers:
        log_handlers.append("odoo.addons.base.ir.ir_cron:DEBUG" if args.version < 13
                            else "odoo.addons.base.models.ir_cron:DEBUG")
    if args.version >= 13:
        CRON_NAMES.update(query(dsn, "SELECT id, cron_name FROM ir_cron"))
    args.extra_options = (["--limit-time-real-cron", str(args.cron_time_limit)]
                          if args.cron_time_limit else [])
    servers = start_servers(args, conf, log_handlers)
    ports = [server["port"] for server in servers]
    events, cron_events, results = [], [], {}
    stop_faults, stop_forcing = threading.Event(), threading.Event()
    try:
        global DEADLINE
        DEADLINE = time.time() + 3600  # for the main process's own clients
        admin = Client(ports, args.db, "admin", password=args.admin_password)
        admin.login()
        logins = [login for (_user, login), _team, _leader in chosen]
        logins += [login for _team, _leader, login in teams] + extra + ["director"]
        user_ids = admin.execute("passwords", "res.users", "search",
                                 [[("login", "in", logins)]])
        set_passwords(
            lambda some: admin.execute("passwords", "res.users", "write",
                                       [some, {"password": PASSWORD}]),
            lambda sql, params: query(dsn, sql, params), user_ids, args.version)
        print("Day %s; %d salespeople of %d teams, %d supervisors; servers %s; %d client "
              "processes at most" % (day, len(chosen), len(teams), len(teams),
                                     ", ".join("%s :%d" % (s["name"], s["port"])
                                               for s in servers), args.processes), flush=True)

        sessions = None
        if args.servers == 2:
            sessions = web_session_check(servers, args.db, logins[:20])
            print("Web sessions opened on one server and used on the other: %d of %d"
                  % sessions, flush=True)
            # Fresh work: what earlier runs reminded and warned about is marked
            # as not done, new market reports are made due.
            reminders_one = reset_reminders(dsn)
            lines_one = reset_warnings(dsn, args.warn_lines)
            markets_one = fresh_market_reports(servers, args.db, extra, 10, dsn)
            phase_one = db_now(dsn)
            forcer = threading.Thread(target=cron_forcer, args=(
                dsn, ids, args.force_every, stop_forcing, cron_events), daemon=True)
            forcer.start()
        injector = None
        if args.fault in ("pg-restart", "kill-worker"):
            injector = threading.Thread(target=fault_thread, args=(
                args, dsn, users, day, servers, cluster, events, stop_faults), daemon=True)
            injector.start()

        load_before = os.getloadavg()[0]
        finished = multiprocessing.Value("i", 0)
        started = time.time()
        deadline = started + args.duration_limit
        pending, records, outcomes, lost = [], [], [], 0
        with multiprocessing.Pool(args.processes, init_worker,
                                  (finished, deadline, args.backoff)) as pool:
            for index, (team, _leader, login) in enumerate(teams):
                team_users = [user for (user, _login), member_team, _l in chosen
                              if member_team == team]
                cut = ["approve plan", "approve report"] if args.fault == "cut-client" else []
                pending.append(pool.apply_async(supervisor_run, (
                    ports, args.db, login, day, team_users, len(chosen), args.poll, index,
                    cut)))
            for index, ((user, login), _team, _leader) in enumerate(chosen):
                cut = ([CUT_OPERATIONS[index % len(CUT_OPERATIONS)]]
                       if args.fault == "cut-client" else [])
                pending.append(pool.apply_async(salesperson_run, (
                    ports, args.db, login, day, customers[user], times[user], index, cut)))
            for result in pending:
                try:
                    client_records, outcome = result.get(max(deadline + 120 - time.time(), 1))
                    records += client_records
                    outcomes.append(outcome)
                except multiprocessing.TimeoutError:
                    lost += 1
            pool.terminate()
        wall = time.time() - started
        load_after = os.getloadavg()[0]
        stop_faults.set()
        if injector:
            injector.join(60)

        races = None
        if args.servers == 2:
            # Forced for --cron-seconds from the start of the load, and until
            # both cron workers have had the actions due; then until every one
            # has run after the last forcing (at most 5 more minutes).
            limit = time.time() + 300
            while time.time() < limit:
                polled = all(any(job.startswith("Sales Process") for job in job_lines(server))
                             for server in servers)
                if polled and time.time() > started + args.cron_seconds:
                    break
                time.sleep(5)
            stop_forcing.set()
            forcer.join(30)
            last_forcing = db_now(dsn)
            while time.time() < limit and not crons_settled(dsn, ids.values(), last_forcing):
                time.sleep(3)
            results["phase one (scheduled, during the load)"] = cron_snapshot(
                dsn, phase_one, reminders_of=reminders_one, lines_of=lines_one,
                markets=markets_one)
            races = manual_races(args, dsn, servers, ids, extra)
        workers_after = [len(http_workers(server)) for server in servers]
    finally:
        stop_faults.set()
        stop_forcing.set()
        for server in servers:
            stop_server(server["process"])

    checks = check_database(connect(dsn), users, day)
    integrity_checks, problems = integrity(dsn, users, day, customers, times)
    logs = {server["name"]: read_log(server) for server in servers}
    cron_runs = {server["name"]: job_lines(server) for server in servers}
    report(args, mode, day, chosen, teams, records, outcomes, lost, wall,
           (load_before, load_after), checks, integrity_checks, problems, logs, events,
           cron_events, cron_runs, results, races, sessions, workers_after, plan_count,
           started_at, servers)


def summarize_errors(entries):
    """Distinct ERROR entries: (count, first line without time and pid, the
    traceback's last line)."""
    counter, examples = Counter(), {}
    for entry in entries:
        text = re.sub(r"^\S+ \S+ \d+ ", "", entry["line"])
        text = re.sub(r"\b\d{3,}\b", "N", text)[:120]
        lines = [line.strip() for line in entry["traceback"] if line.strip()]
        last = lines[-1][:200] if lines else ""
        key = (text, re.sub(r"\b\d{3,}\b", "N", last))
        counter[key] += 1
        examples.setdefault(key, entry)
    return [(count, key[0], key[1]) for key, count in counter.most_common()]


def report(args, mode, day, chosen, teams, records, outcomes, lost, wall, load, checks,
           integrity_checks, problems, logs, events, cron_events, cron_runs, results, races,
           sessions, workers_after, plan_count, started_at, servers):
    by_operation = defaultdict(list)
    errors = defaultdict(Counter)
    per_server = Counter()
    for operation, seconds, kind, _message, server in records:
        by_operation[operation].append(seconds)
        per_server[server] += 1
        if kind:
            errors[operation][kind] += 1
    operations = [name for name in OPERATIONS if name in by_operation]
    operations += sorted(set(by_operation) - set(OPERATIONS))
    total = sum(len(values) for values in by_operation.values())
    failed = sum(sum(kinds.values()) for kinds in errors.values())
    print("\n## %s\n" % mode)
    print("%s UTC. Machine: %s, %d cores, Python %s; %d Odoo %d.0 server(s) with %d HTTP "
          "workers "
          "and %d cron worker(s) each on 127.0.0.1, one PostgreSQL database (%s); %d client "
          "processes at most; load average (1 min) %.1f before, %.1f after the load" % (
              started_at.strftime("%Y-%m-%d %H:%M"), platform.processor() or platform.machine(),
              os.cpu_count(), platform.python_version(), args.servers, args.version,
              args.workers,
              args.cron_workers, args.db, args.processes, load[0], load[1]))
    print("Load: %d salespeople of %d teams submit the plan (3 visits) and the report of %s; "
          "%d supervisors approve. %d visit plans in the database before.\n"
          % (len(chosen), len(teams), day, len(teams), plan_count))
    print("| operation | requests | failed | p50 (ms) | p95 (ms) | max (ms) | failures |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name in operations:
        values = by_operation[name]
        print("| %s | %d | %d | %.0f | %.0f | %.0f | %s |" % (
            name, len(values), sum(errors[name].values()), 1000 * percentile(values, 0.5),
            1000 * percentile(values, 0.95), 1000 * max(values),
            ", ".join("%s %d" % item for item in errors[name].most_common()) or ""))
    everything = [s for values in by_operation.values() for s in values] or [0.0]
    print("| **all** | **%d** | **%d** | %.0f | %.0f | %.0f | |" % (
        total, failed, 1000 * percentile(everything, 0.5),
        1000 * percentile(everything, 0.95), 1000 * max(everything)))
    print("\n%d requests in %.1f s: %.1f requests/s; %d failed and retried or seen again; "
          "requests per server: %s" % (
              total, wall, total / wall, failed,
              ", ".join("%s %d" % ("AB"[index], count)
                        for index, count in sorted(per_server.items()))))
    unfinished = [o for o in outcomes if not o["done"]]
    retried = [o for o in outcomes if o["failures"]]
    print("Clients: %d finished, %d with at least one failure, %d did not finish%s%s" % (
        len(outcomes) - len(unfinished), len(retried), len(unfinished),
        "".join("\n  - %s: %s" % (o["login"], o["gave up"]) for o in unfinished[:10]),
        "" if not lost else "; %d client processes lost" % lost))
    messages = []
    for _operation, _seconds, kind, message, _server in records:
        if kind and message not in messages:
            messages.append(message)
    for message in messages[:8]:
        print("  - %s" % " ".join(message.split())[:240])
    if events:
        print("\nFaults:")
        for event in events:
            print("  - %s" % ", ".join(
                "%s %s" % (key, datetime.utcfromtimestamp(value).strftime("%H:%M:%S.%f")[:-4]
                           if key == "at" else value) for key, value in event.items()))
    if workers_after:
        print("HTTP workers after the load: %s" % ", ".join(
            "%s %d" % ("AB"[index], count) for index, count in enumerate(workers_after)))
    for name, lines in logs.items():
        entries = log_errors(lines)
        respawned = sum(1 for line in lines if "Worker WorkerHTTP" in line and "alive" in line)
        retries = sum(1 for line in lines if re.search(
            r", retry \d/\d in|, \d+ tries left, try again in", line))
        print("\nServer %s log (%s): %d ERROR/CRITICAL entries; %d HTTP workers started; "
              "%d concurrency retries by Odoo" % (
                  name, Path(servers["AB".index(name)]["logfile"]).relative_to(ROOT),
                  len(entries), respawned, retries))
        for count, text, last in summarize_errors(entries)[:8]:
            print("  - %d × %s%s" % (count, text, (" — " + last) if last else ""))
    if sessions:
        print("\nWeb sessions opened on one server and used on the other: %d of %d" % sessions)
    if cron_runs and any(cron_runs.values()):
        print("\nScheduled actions: forced due %d times (%d times a row was held by a cron "
              "worker and left alone)" % (len(cron_events), sum(
                  e["held by a cron worker"] for e in cron_events)))
        print("\n| server | job | runs | seconds | skipped: held by the other | skipped: "
              "already run by the other |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for name, jobs in cron_runs.items():
            for job in sorted(jobs):
                print("| %s | %s | %d | %.1f | %d | %d |" % (
                    name, job, jobs[job]["runs"], jobs[job]["seconds"], jobs[job]["busy"],
                    jobs[job]["already run"]))
    for title, values in results.items():
        print("\n%s:\n" % title)
        print("| check | value |")
        print("| --- | ---: |")
        for key, value in values.items():
            print("| %s | %s |" % (key, value))
    if races:
        print("\nThe same action on both servers at the same moment (Run Manually: no lock in "
              "Odoo 11; Odoo 18 locks the job's row, NOWAIT):\n")
        print("| action | server A | server B | checks |")
        print("| --- | --- | --- | --- |")
        for name, race in races.items():
            print("| %s | %s | %s | %s |" % (
                name, race["answers"][0], race["answers"][1],
                "; ".join("%s %s" % item for item in race["checks"].items())))
    people = len(chosen)
    print("\nIn the database, for %s and the %d salespeople:\n" % (day, people))
    print("| check | found | expected |")
    print("| --- | ---: | ---: |")
    for name, expected in (("one plan", people), ("no plan", 0), ("duplicate plans", 0),
                           ("3 visits", people), ("one report", people), ("no report", 0),
                           ("duplicate reports", 0), ("plans approved", people),
                           ("reports scored and approved", people)):
        print("| %s | %d | %d |" % (name, checks[name], expected))
    for name, expected in (("plans with exactly their 3 visits", people),
                           ("submitted reports with their figures", people),
                           ("orders linked to the reports", None), ("problems", 0)):
        print("| %s | %d | %s |" % (name, integrity_checks[name],
                                    "" if expected is None else expected))
    for line in problems[:20]:
        print("  - %s" % line)
    ok = (checks["one plan"] == checks["one report"] == checks["3 visits"] == people
          and checks["plans approved"] == checks["reports scored and approved"] == people
          and not integrity_checks["problems"] and not unfinished and not lost)
    print("\n%s" % ("OK: every submission once, whole, approved" if ok else "NOT OK"))
    out = Path(args.json) if args.json else ROOT / "var" / "bench" / (
        "reliability-%s%s.json" % ("" if args.version < 13 else "18-", mode))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "mode": mode, "day": str(day), "started": str(started_at), "wall": wall,
        "requests": total, "failed": failed, "per_server": per_server,
        "operations": {name: {"requests": len(by_operation[name]),
                              "errors": dict(errors[name]),
                              "p50": percentile(by_operation[name], 0.5),
                              "p95": percentile(by_operation[name], 0.95),
                              "max": max(by_operation[name])} for name in operations},
        "outcomes": outcomes, "events": events, "cron_events": cron_events,
        "cron_runs": cron_runs, "results": results, "races": races, "sessions": sessions,
        "checks": checks, "integrity": integrity_checks, "problems": problems,
        "server_errors": {name: summarize_errors(log_errors(lines))
                          for name, lines in logs.items()},
        "ok": ok}, indent=1, default=str))
    print("Results: %s" % out)


if __name__ == "__main__":
    main()
