"""Benchmark of the daily loop on a year of data (not part of the test suite).

    .venv/bin/python tests/benchmarks/bench_daily_loop.py [--salespeople 200]
        [--days 260] [--runs 5] [--keep]

Creates a throw-away database with the addon and fills it like
``bench_target_actuals.py`` does (teams, salespeople, customers, orders over two
years, payments, the year's targets by month: its builders are reused), then
adds in bulk (SQL) a year of the daily loop: one approved visit plan per
salesperson and working day (3 % returned once), 3 to 6 visits per plan (done,
missed or to do; some unplanned, some effective; the day's confirmed orders
linked to its visits done), expenses on about half the visits done or missed,
one daily report per salesperson and past working day (mostly approved with a
quality score, some late; a few missing or left as drafts in the last days,
for the missing-report reminder), and market reports on 6 % of the days (most
about one of 5 competitors).  It then prints, for each measured operation, the
median wall time of several runs and the number of SQL queries: the efficiency
analysis' pivot (``read_group``) in three shapes next to a hand-written SQL
aggregate over the base tables (checked to give the same sums), the prefill of
the daily reports and the missing-report cron (both rolled back after each
run), the weekly report's Monday action for all teams (first run and re-run)
and its ``_refresh()`` for one team and for all, next to a hand-written
aggregate of the same weekly figures (checked equal), and the report KPI's
pivot in two shapes, each next to a hand-written aggregate (checked equal).
Nothing here asserts on time.
"""

import argparse
import os
import platform
import statistics
import subprocess
import time
from datetime import date, datetime, timedelta

from bench_target_actuals import build_company, build_targets, measure, run_odoo_install, write_conf

import odoo

# The measures of the efficiency analysis read by the pivot (the rates are
# recomputed by its read_group from the sums it adds itself).
MEASURES = ["visit_planned", "visit_unplanned", "visit_done", "visit_effective", "order_count",
            "sales_amount", "collection_amount", "expense_amount", "target_amount",
            "effective_rate", "sales_per_visit", "expense_ratio", "achievement_rate"]
SUMS = ["visit_planned", "visit_unplanned", "visit_done", "visit_effective", "order_count",
        "sales_amount", "collection_amount", "expense_amount", "target_amount"]


def working_days(count, last):
    """The ``count`` working days (Monday to Friday) up to ``last`` included."""
    days, day = [], last
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def build_daily_loop(env, teams, salespeople, days, today):
    """Plans, visits, expenses and daily reports of ``days``, through SQL.

    Every NOT NULL column and every stored related / computed field is written
    as the ORM would: the visits' user, team, company and date of their plan,
    their effectiveness and expense total; the expenses' user, team, date and
    company of their visit; the documents' name, deadline, lateness, quality
    value, first-time approval.  Pseudo-random choices are hashes of the ids
    (``pg_temp.pick``, 0-99), so that the data are the same on every run.
    """
    cr = env.cr
    company = env.ref("base.main_company")
    tz = company.partner_id.tz or "UTC"
    deadline = company.sales_report_deadline
    look_back = company.sales_missing_report_days
    cr.execute("""
        CREATE FUNCTION pg_temp.pick(a int, b int) RETURNS int IMMUTABLE LANGUAGE sql
        AS $$ SELECT ((hashint4(a * 131 + b)::bigint + 2147483648) % 100)::int $$
    """)
    cr.execute("CREATE TEMP TABLE bench_day AS SELECT unnest(%s::date[]) AS day", (days,))
    cr.execute("""
        CREATE TEMP TABLE bench_sp AS
        SELECT s.usr, s.team, t.user_id AS leader, p.name AS user_name,
               (SELECT array_agg(c.id ORDER BY c.id) FROM res_partner c
                WHERE c.user_id = s.usr AND c.customer) AS customers
        FROM unnest(%s::int[], %s::int[]) AS s(usr, team)
        JOIN crm_team t ON t.id = s.team
        JOIN res_users u ON u.id = s.usr JOIN res_partner p ON p.id = u.partner_id
    """, ([u for u, _t in salespeople], [t for _u, t in salespeople]))
    # The users existed before the year (the cron skips the days before a user's creation).
    cr.execute("UPDATE res_users SET create_date = %s WHERE id IN (SELECT usr FROM bench_sp)",
               (days[0] - timedelta(days=30),))

    # The plans: submitted at 07:45, approved by the team leader at 08:15 (3 % returned once).
    cr.execute("""
        INSERT INTO sales_visit_plan (name, user_id, team_id, company_id, date, state,
                                      approver_id, submitted_at, first_submitted_at,
                                      submit_count, approved_at, approved_by_id, return_count,
                                      approved_first_time, create_uid, create_date, write_uid,
                                      write_date)
        SELECT s.user_name || ' ' || d.day, s.usr, s.team, %(company)s, d.day, 'approved',
               s.leader, d.day + time '07:45', d.day + time '07:45', 1, d.day + time '08:15',
               s.leader, 0, TRUE, s.usr, d.day + time '07:30', s.leader, d.day + time '08:15'
        FROM bench_sp s CROSS JOIN bench_day d ORDER BY d.day, s.usr
    """, {"company": company.id})
    cr.execute("""
        UPDATE sales_visit_plan SET return_count = 1, submit_count = 2,
               approved_first_time = FALSE, return_reason = 'Too few new customers'
        WHERE pg_temp.pick(id, 1) < 3
    """)

    # The visits: 3-6 per plan, 90 minutes apart from 08:30; 78 % done, 12 % missed, 10 %
    # to do (all to do today); 8 % unplanned; 60 % of those done effective (an opportunity
    # progressed: is_effective is computed from it).
    cr.execute("""
        INSERT INTO sales_visit (plan_id, user_id, team_id, company_id, date, partner_id, area,
                                 planned_start, planned_stop, purpose, planned, state,
                                 missed_reason, actual_start, actual_stop, outcome,
                                 lead_progress, is_effective, expense_amount, create_uid,
                                 create_date, write_uid, write_date)
        SELECT p.id, p.user_id, p.team_id, p.company_id, p.date,
               s.customers[1 + (p.id * 7 + k) %% array_length(s.customers, 1)],
               'District ' || (1 + p.user_id %% 7), start, start + interval '1 hour',
               CASE WHEN h.purpose < 35 THEN 'order' WHEN h.purpose < 50 THEN 'collection'
                    WHEN h.purpose < 65 THEN 'service' WHEN h.purpose < 75 THEN 'new_customer'
                    WHEN h.purpose < 85 THEN 'market_research'
                    WHEN h.purpose < 93 THEN 'complaint' ELSE 'other' END,
               h.planned >= 8, st.state,
               CASE st.state WHEN 'missed' THEN 'Customer not available' END,
               CASE st.state WHEN 'done' THEN start END,
               CASE st.state WHEN 'done' THEN start + interval '50 minutes' END,
               CASE st.state WHEN 'done' THEN 'Met the buyer' END,
               st.effective, st.effective, 0.0, p.user_id, p.create_date, p.user_id,
               p.date + time '18:00'
        FROM sales_visit_plan p
        JOIN bench_sp s ON s.usr = p.user_id
        CROSS JOIN LATERAL generate_series(1, 3 + pg_temp.pick(p.id, 2) %% 4) k
        CROSS JOIN LATERAL (SELECT p.date + time '08:30' + (k - 1) * interval '90 minutes'
                                   AS start,
                                   pg_temp.pick(p.id * 8 + k, 3) AS state,
                                   pg_temp.pick(p.id * 8 + k, 4) AS purpose,
                                   pg_temp.pick(p.id * 8 + k, 5) AS planned,
                                   pg_temp.pick(p.id * 8 + k, 6) AS effective) h
        CROSS JOIN LATERAL (
            SELECT CASE WHEN p.date >= %(today)s THEN 'todo' WHEN h.state < 78 THEN 'done'
                        WHEN h.state < 90 THEN 'missed' ELSE 'todo' END AS state,
                   p.date < %(today)s AND h.state < 78 AND h.effective < 60 AS effective) st
        ORDER BY p.id, k
    """, {"today": today})

    # The confirmed orders of a salesperson's day taken at that day's visits done, in turn
    # (the n-th order of the day at the n-th visit done; the orders left over were not
    # taken at a visit): the visit's customer is the order's, and a visit with an order
    # is effective.
    cr.execute("""
        CREATE TEMP TABLE bench_visit_order AS
        SELECT v.id AS visit, o.id AS order_id, o.partner_id
        FROM (SELECT so.id, so.user_id, so.partner_id, so.date_order::date AS day,
                     row_number() OVER (PARTITION BY so.user_id, so.date_order::date
                                        ORDER BY so.id) AS n
              FROM sale_order so
              WHERE so.state IN ('sale', 'done') AND so.date_order >= %s
                AND so.date_order < %s) o
        JOIN (SELECT v.id, v.user_id, v.date,
                     row_number() OVER (PARTITION BY v.user_id, v.date ORDER BY v.id) AS n
              FROM sales_visit v WHERE v.state = 'done') v
          ON v.user_id = o.user_id AND v.date = o.day AND v.n = o.n
    """, (days[0], today))
    cr.execute("INSERT INTO sales_visit_sale_order_rel (visit_id, order_id) "
               "SELECT visit, order_id FROM bench_visit_order")
    cr.execute("""
        UPDATE sales_visit v SET partner_id = b.partner_id, is_effective = TRUE
        FROM bench_visit_order b WHERE b.visit = v.id
    """)

    # Expenses on about half the visits done or missed (one or two each), then the
    # visits' stored total.
    cr.execute("""
        INSERT INTO sales_visit_expense (visit_id, user_id, team_id, date, company_id,
                                         category, amount, description, create_uid,
                                         create_date, write_uid, write_date)
        SELECT v.id, v.user_id, v.team_id, v.date, v.company_id,
               (ARRAY['transport', 'meals', 'gifts', 'other'])[
                   1 + (k + pg_temp.pick(v.id, 8)) % 4],
               5 + pg_temp.pick(v.id * 2 + k, 9) * 0.8, 'Expense', v.user_id, v.write_date,
               v.user_id, v.write_date
        FROM sales_visit v
        CROSS JOIN LATERAL generate_series(1, 1 + pg_temp.pick(v.id, 10) % 2) k
        WHERE v.state <> 'todo' AND pg_temp.pick(v.id, 7) < 55
        ORDER BY v.id, k
    """)
    cr.execute("""
        UPDATE sales_visit v SET expense_amount = e.total
        FROM (SELECT visit_id, SUM(amount) AS total FROM sales_visit_expense
              GROUP BY visit_id) e
        WHERE e.visit_id = v.id
    """)

    # The daily reports of the past days: due at the company's deadline (local time);
    # 12 % submitted late (1-15 h), the others 1-4 h before; 93 % approved the next morning
    # with a score, 4 % submitted, 3 % drafts.  In the cron's look-back, 10 % missing and
    # 5 % drafts.
    cr.execute("""
        CREATE TEMP TABLE bench_report AS
        SELECT p.id AS plan, p.user_id, p.team_id, p.company_id, p.date, s.leader,
               s.user_name, dl.deadline, dl.deadline + CASE WHEN pg_temp.pick(p.id, 11) < 12
                   THEN (1 + pg_temp.pick(p.id, 12) %% 15) * interval '1 hour'
                   ELSE -(1 + pg_temp.pick(p.id, 12) %% 4) * interval '1 hour' END AS submitted,
               CASE WHEN p.date > %(recent)s AND pg_temp.pick(p.id, 13) < 15 THEN 'draft'
                    WHEN pg_temp.pick(p.id, 13) < 3 THEN 'draft'
                    WHEN pg_temp.pick(p.id, 13) < 7 THEN 'submitted'
                    ELSE 'approved' END AS state,
               pg_temp.pick(p.id, 14) AS score
        FROM sales_visit_plan p JOIN bench_sp s ON s.usr = p.user_id
        CROSS JOIN LATERAL (SELECT (p.date + %(hours)s * interval '1 hour')
                                   AT TIME ZONE %(tz)s AT TIME ZONE 'UTC' AS deadline) dl
        WHERE p.date < %(today)s
          AND NOT (p.date > %(recent)s AND pg_temp.pick(p.id, 13) < 10)
    """, {"today": today, "recent": today - timedelta(days=look_back + 1), "hours": deadline,
          "tz": tz})
    cr.execute("""
        INSERT INTO sales_daily_report (name, user_id, team_id, company_id, date, attendance,
                                        state, deadline, is_late, late_hours, approver_id,
                                        submitted_at, first_submitted_at, submit_count,
                                        approved_at, approved_by_id, return_count,
                                        approved_first_time, quality_score, quality_value,
                                        missing_notified, prefilled_at, reflections,
                                        create_uid, create_date, write_uid, write_date)
        SELECT r.user_name || ' ' || r.date, r.user_id, r.team_id, r.company_id, r.date,
               'present', r.state, r.deadline, sub.late, sub.late_hours, sub.approver,
               sub.at, sub.at, sub.count, app.at, app.by, 0, r.state = 'approved',
               app.score, COALESCE(app.score::int, 0), FALSE,
               COALESCE(sub.at, r.deadline - interval '3 hours'), 'A good day',
               r.user_id, r.date + time '17:00', COALESCE(app.by, r.user_id),
               COALESCE(app.at, sub.at, r.date + time '17:00')
        FROM bench_report r
        CROSS JOIN LATERAL (
            SELECT r.state <> 'draft' AND r.submitted > r.deadline AS late,
                   CASE WHEN r.state <> 'draft' AND r.submitted > r.deadline
                        THEN EXTRACT(epoch FROM r.submitted - r.deadline) / 3600.0
                        ELSE 0.0 END AS late_hours,
                   CASE WHEN r.state <> 'draft' THEN r.leader END AS approver,
                   CASE WHEN r.state <> 'draft' THEN r.submitted END AS at,
                   CASE WHEN r.state <> 'draft' THEN 1 ELSE 0 END AS count) sub
        CROSS JOIN LATERAL (
            SELECT CASE WHEN r.state = 'approved' THEN r.submitted + interval '12 hours' END
                       AS at,
                   CASE WHEN r.state = 'approved' THEN r.leader END AS by,
                   CASE WHEN r.state <> 'approved' THEN NULL WHEN r.score < 5 THEN '1'
                        WHEN r.score < 15 THEN '2' WHEN r.score < 45 THEN '3'
                        WHEN r.score < 85 THEN '4' ELSE '5' END AS score) app
        ORDER BY r.date, r.user_id
    """)
    # Their prefilled figures: the day's visits, orders and collections, and the
    # achievement of the month's targets (actuals left at 0: not read here).
    cr.execute("""
        UPDATE sales_daily_report r
        SET visit_planned_count = a.planned, visit_done_count = a.done,
            visit_effective_count = a.effective, visit_unplanned_count = a.unplanned,
            complaint_count = a.complaints, expense_amount = a.expenses
        FROM (SELECT user_id, date, COUNT(*) FILTER (WHERE planned) AS planned,
                     COUNT(*) FILTER (WHERE state = 'done') AS done,
                     COUNT(*) FILTER (WHERE is_effective) AS effective,
                     COUNT(*) FILTER (WHERE NOT planned) AS unplanned,
                     COUNT(*) FILTER (WHERE purpose = 'complaint' AND state = 'done')
                         AS complaints,
                     SUM(expense_amount) AS expenses
              FROM sales_visit GROUP BY user_id, date) a
        WHERE a.user_id = r.user_id AND a.date = r.date
    """)
    cr.execute("""
        INSERT INTO sales_daily_report_sale_order_rel (report_id, order_id)
        SELECT r.id, so.id FROM sales_daily_report r
        JOIN sale_order so ON so.user_id = r.user_id AND so.state IN ('sale', 'done')
         AND so.date_order >= r.date AND so.date_order < r.date + 1
    """)
    cr.execute("""
        UPDATE sales_daily_report r
        SET order_count = o.orders, sales_amount = o.sales, margin_amount = o.margin
        FROM (SELECT rel.report_id, COUNT(DISTINCT so.id) AS orders,
                     SUM(sol.price_subtotal) AS sales, SUM(sol.margin) AS margin
              FROM sales_daily_report_sale_order_rel rel
              JOIN sale_order so ON so.id = rel.order_id
              JOIN sale_order_line sol ON sol.order_id = so.id
              GROUP BY rel.report_id) o
        WHERE o.report_id = r.id
    """)
    cr.execute("""
        INSERT INTO sales_daily_report_target (report_id, target_line_id, metric, month_target,
                                               day_target, day_actual, month_actual,
                                               expected_rate, create_uid, create_date,
                                               write_uid, write_date)
        SELECT r.id, l.id, l.metric, l.target_amount, l.target_amount / wd.total, 0, 0,
               100.0 * wd.elapsed / wd.total, r.user_id, r.create_date, r.user_id,
               r.create_date
        FROM sales_daily_report r
        JOIN sales_target_line l ON l.user_id = r.user_id AND l.period_type = 'month'
         AND l.partner_id IS NULL AND l.categ_id IS NULL
         AND r.date BETWEEN l.date_from AND l.date_to
        CROSS JOIN LATERAL (
            SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE g <= r.date) AS elapsed
            FROM generate_series(l.date_from, l.date_to, interval '1 day') g
            WHERE EXTRACT(isodow FROM g) < 6) wd
        ORDER BY r.id, l.metric
    """)

    # Market reports: on 6 % of the salesperson-days, most about a competitor (5 of them),
    # some complaints; told to the supervisor at once (and the director if serious),
    # resolved after two days except in the last two weeks.
    competitors = [env["res.partner"].create({"name": "Competitor %d" % index,
                                              "is_company": True, "is_competitor": True}).id
                   for index in range(1, 6)]
    cr.execute("""
        INSERT INTO sales_market_report (name, title, kind, is_complaint, severity, state,
                                         date, reporter_id, user_id, team_id, company_id,
                                         partner_id, competitor_id, description, resolution,
                                         escalation_level, escalated_at, acknowledged_at,
                                         acknowledged_by_id, resolved_at, create_uid,
                                         create_date, write_uid, write_date)
        SELECT 'MR' || lpad((row_number() OVER (ORDER BY p.date, p.user_id))::text, 6, '0'),
               initcap(replace(m.kind, '_', ' ')) || ' at ' || c.name, m.kind,
               m.kind IN ('distributor_complaint', 'customer_complaint'), m.severity, m.state,
               p.date, p.user_id, p.user_id, p.team_id, p.company_id, c.id,
               CASE WHEN m.kind LIKE 'competitor%%'
                    THEN (%(competitors)s::int[])[1 + pg_temp.pick(p.id, 18) %% 5] END,
               'Seen at the customer', CASE m.state WHEN 'resolved' THEN 'Handled' END,
               CASE m.severity WHEN 'normal' THEN '1' ELSE '2' END, p.date + time '12:00',
               CASE WHEN m.state <> 'new' THEN p.date + time '14:00' END,
               CASE WHEN m.state <> 'new' THEN s.leader END,
               CASE m.state WHEN 'resolved' THEN p.date + 2 + time '10:00' END,
               p.user_id, p.date + time '12:00', s.leader,
               CASE m.state WHEN 'resolved' THEN p.date + 2 + time '10:00'
                            ELSE p.date + time '14:00' END
        FROM sales_visit_plan p JOIN bench_sp s ON s.usr = p.user_id
        JOIN res_partner c
          ON c.id = s.customers[1 + pg_temp.pick(p.id, 19) %% array_length(s.customers, 1)]
        CROSS JOIN LATERAL (
            SELECT CASE WHEN pg_temp.pick(p.id, 16) < 40 THEN 'competitor_promotion'
                        WHEN pg_temp.pick(p.id, 16) < 60 THEN 'competitor_product'
                        WHEN pg_temp.pick(p.id, 16) < 70 THEN 'consumer_feedback'
                        WHEN pg_temp.pick(p.id, 16) < 80 THEN 'customer_complaint'
                        WHEN pg_temp.pick(p.id, 16) < 85 THEN 'distributor_complaint'
                        WHEN pg_temp.pick(p.id, 16) < 92 THEN 'personnel_change'
                        ELSE 'other' END AS kind,
                   CASE WHEN pg_temp.pick(p.id, 17) < 80 THEN 'normal'
                        WHEN pg_temp.pick(p.id, 17) < 95 THEN 'serious'
                        ELSE 'critical' END AS severity,
                   CASE WHEN p.date < %(recent)s THEN 'resolved'
                        WHEN pg_temp.pick(p.id, 20) < 50 THEN 'acknowledged'
                        ELSE 'new' END AS state) m
        WHERE p.date < %(today)s AND pg_temp.pick(p.id, 15) < 6
    """, {"competitors": competitors, "today": today, "recent": today - timedelta(days=14)})
    cr.execute("ANALYZE")


HAND_WRITTEN_YEAR = """
WITH target AS (
    SELECT l.user_id, l.date_from, l.date_to, l.target_amount, wd.total
    FROM sales_target_line l
    CROSS JOIN LATERAL (
        SELECT COUNT(*) AS total FROM generate_series(l.date_from, l.date_to, interval '1 day') g
        WHERE EXTRACT(isodow FROM g) < 6) wd
    WHERE l.metric = 'sales' AND l.period_type = 'month' AND l.user_id IS NOT NULL
      AND l.partner_id IS NULL AND l.categ_id IS NULL
      AND l.date_to >= %(start)s AND l.date_from <= %(stop)s
)
SELECT user_id, to_char(month, 'YYYY-MM'), SUM(planned), SUM(unplanned), SUM(done),
       SUM(effective), SUM(orders), SUM(sales), SUM(collections), SUM(expenses),
       SUM(target)
FROM (
    SELECT user_id, date_trunc('month', date) AS month,
           COUNT(*) FILTER (WHERE planned) AS planned,
           COUNT(*) FILTER (WHERE NOT planned) AS unplanned,
           COUNT(*) FILTER (WHERE state = 'done') AS done,
           COUNT(*) FILTER (WHERE is_effective) AS effective,
           0 AS orders, 0 AS sales, 0 AS collections, 0 AS expenses, 0 AS target
    FROM sales_visit WHERE date BETWEEN %(start)s AND %(stop)s
    GROUP BY 1, 2
    UNION ALL
    SELECT user_id, date_trunc('month', date), 0, 0, 0, 0, 0, 0, 0, SUM(amount), 0
    FROM sales_visit_expense WHERE date BETWEEN %(start)s AND %(stop)s
    GROUP BY 1, 2
    UNION ALL
    SELECT so.user_id, date_trunc('month', so.date_order), 0, 0, 0, 0,
           COUNT(DISTINCT so.id), SUM(sol.price_subtotal), 0, 0, 0
    FROM sale_order so JOIN sale_order_line sol ON sol.order_id = so.id
    WHERE so.state IN ('sale', 'done') AND so.user_id IS NOT NULL
      AND so.date_order >= %(start)s AND so.date_order < %(stop)s::date + 1
    GROUP BY 1, 2
    UNION ALL
    SELECT c.user_id, date_trunc('month', p.payment_date), 0, 0, 0, 0, 0, 0, SUM(p.amount),
           0, 0
    FROM account_payment p JOIN res_partner c ON c.id = p.partner_id
    WHERE p.state = 'posted' AND p.payment_type = 'inbound' AND c.user_id IS NOT NULL
      AND p.payment_date BETWEEN %(start)s AND %(stop)s
    GROUP BY 1, 2
    UNION ALL
    SELECT t.user_id, date_trunc('month', t.date_from), 0, 0, 0, 0, 0, 0, 0, 0,
           t.target_amount * COUNT(*) / t.total
    FROM target t
    CROSS JOIN LATERAL generate_series(GREATEST(t.date_from, %(start)s),
                                       LEAST(t.date_to, %(stop)s), interval '1 day') g
    WHERE EXTRACT(isodow FROM g) < 6
    GROUP BY t.user_id, t.date_from, t.target_amount, t.total
) sums
GROUP BY 1, 2
"""


def hand_written_year(cr, start, stop):
    """The sums of case (c) straight from the base tables, the JIT off as for the view."""
    cr.execute("SET jit = off")
    cr.execute(HAND_WRITTEN_YEAR, {"start": start, "stop": stop})
    rows = cr.fetchall()
    cr.execute("RESET jit")
    return rows


def compare_year(groups, rows):
    """How many (salesperson, month) groups of the pivot differ from the hand-written sums."""
    expected = {(row[0], row[1]): [float(value or 0) for value in row[2:]] for row in rows}
    found = {}
    for group in groups:
        month = max(term[2] for term in group["__domain"]
                    if isinstance(term, (list, tuple)) and term[0] == "date"
                    and term[1] == ">=")[:7]
        found[(group["user_id"][0], month)] = [float(group[name] or 0) for name in SUMS]
    differ = [key for key in set(expected) | set(found)
              if any(abs(a - b) > 0.01 for a, b in zip(expected.get(key, [0] * len(SUMS)),
                                                       found.get(key, [0] * len(SUMS)),
                                                       strict=True))]
    return len(found), differ


def measure_rolled_back(env, runs, function):
    """``measure`` of one run at a time, the transaction rolled back after each run
    (the operation writes), after one run not measured (that fills the registry's
    caches): median time, highest query count."""
    samples = []
    for run in range(runs + 1):
        if not run:
            function()
            env.cr.rollback()
            env.clear()
            continue
        samples.append(measure(env, 1, function))
        env.cr.rollback()
        env.clear()
    return statistics.median(s for s, _q in samples), max(q for _s, q in samples)


def month_bounds(day):
    """First and last day of the calendar month before ``day``'s."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def quarter_bounds(day):
    """First and last day of the calendar quarter before ``day``'s."""
    first_of_quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = first_of_quarter - timedelta(days=1)
    return date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), last


def measure_efficiency(env, runs, days, today):
    """1. The efficiency analysis, read as the pivot reads it, in three shapes;
    the hand-written aggregate next to the last one."""
    cr = env.cr
    report = env["sales.efficiency.report"]
    start, stop = str(days[0]), str(today)
    shapes = (
        ("salesperson, one month (%s)" % month_bounds(today)[0].strftime("%Y-%m"),
         month_bounds(today), ["user_id"]),
        ("team × week, one quarter (%s to %s)" % quarter_bounds(today),
         quarter_bounds(today), ["team_id", "date:week"]),
        ("salesperson × month, the year (%s to %s)" % (start, stop),
         (start, stop), ["user_id", "date:month"]),
    )
    results, groups = [], None
    for label, (date_from, date_to), groupby in shapes:
        fields = [name.split(":")[0] for name in groupby] + MEASURES
        domain = [("date", ">=", str(date_from)), ("date", "<=", str(date_to))]

        def pivot(domain=domain, fields=fields, groupby=groupby):
            return report.read_group(domain, fields, groupby, lazy=False)
        groups = pivot()  # not measured: fills the registry's caches
        seconds, queries = measure(env, runs, pivot)
        results.append(["efficiency pivot read_group, %s: %d groups" % (label, len(groups)),
                        seconds, queries])
    compared, differ = compare_year(groups, hand_written_year(cr, start, stop))
    limit, _queries = measure(env, runs, lambda: hand_written_year(cr, start, stop))
    results[-1].append(limit)
    note = ("hand-written SQL of the last case: the same sums (visits, expenses, orders, "
            "sales, collections, target share) by salesperson and month straight from "
            "sales_visit, sales_visit_expense, sale_order(_line), account_payment and "
            "sales_target_line (UTC, one currency, no reconciliation: a lower bound); "
            "%s on %d groups." % ("checked equal to the pivot's" if not differ
                                  else "DIFFERENT from the pivot's on %d (e.g. %s)"
                                  % (len(differ), sorted(differ)[:3]), compared))
    return results, note


def measure_prefill(env, runs, day):
    """2. The prefill of the daily reports of ``day``: the report with the fewest
    visits and orders, the one with the most, 20 reports, all of them."""
    reports = env["sales.daily.report"]
    day_reports = reports.search([("date", "=", str(day))])
    env.cr.execute("""
        SELECT r.id, COUNT(DISTINCT v.id), COUNT(DISTINCT rel.order_id)
        FROM sales_daily_report r
        LEFT JOIN sales_visit v ON v.user_id = r.user_id AND v.date = r.date
        LEFT JOIN sales_daily_report_sale_order_rel rel ON rel.report_id = r.id
        WHERE r.id = ANY(%s) GROUP BY r.id
    """, (day_reports.ids,))
    by_size = sorted(env.cr.fetchall(), key=lambda row: (row[1] + row[2], row[0]))
    cases = (("1 report (%d visits, %d orders)" % by_size[0][1:],
              reports.browse(by_size[0][0])),
             ("1 report (%d visits, %d orders)" % by_size[-1][1:],
              reports.browse(by_size[-1][0])),
             ("20 reports of %s" % day, day_reports[:20]),
             ("all %d reports of %s (%d visits, %d orders)" % (
                 len(day_reports), day, sum(row[1] for row in by_size),
                 sum(row[2] for row in by_size)), day_reports))
    # As the form's "Refresh figures" runs it: no tracking_disable in the context.
    plain = odoo.api.Environment(env.cr, odoo.SUPERUSER_ID, {})
    return [["daily report prefill, %s" % label, *measure_rolled_back(
        env, runs, lambda subset=subset: subset.with_env(plain)._prefill())]
        for label, subset in cases]


def measure_cron(env, runs):
    """3. The missing-report cron, as the scheduler runs it (no context): its
    first run on the data, then its next (hourly) run, that finds the reports
    already reminded."""
    cron_env = odoo.api.Environment(env.cr, odoo.SUPERUSER_ID, {})
    env.cr.execute("SELECT max(id) FROM sales_daily_report")
    last_id = env.cr.fetchone()[0]
    found = []

    def cron():
        found.append(cron_env["sales.daily.report"]._cron_remind_missing().ids)
    seconds, queries = measure_rolled_back(env, runs, cron)
    results = [["missing-report cron, first run: %d reports reminded, %d of them created"
                % (len(found[-1]), len([i for i in found[-1] if i > last_id])),
                seconds, queries]]
    samples = []
    for _run in range(runs):
        cron()
        samples.append(measure(env, 1, cron))
        env.cr.rollback()
        env.clear()
    results.append(["missing-report cron, next run: %d reports reminded" % len(found[-1]),
                    statistics.median(s for s, _q in samples),
                    max(q for _s, q in samples)])
    return results


# The figures of a weekly report that the hand-written aggregate computes too.
WEEKLY_FIGURES = ["sales_amount", "visit_planned", "visit_done", "visit_effective",
                  "visit_with_order", "reports_submitted", "reports_late", "plans_approved",
                  "plans_first_time", "salesperson_count"]

HAND_WRITTEN_WEEK = """
SELECT t.id, COALESCE(o.sales, 0), COALESCE(v.planned, 0), COALESCE(v.done, 0),
       COALESCE(v.effective, 0), COALESCE(v.with_order, 0), COALESCE(d.submitted, 0),
       COALESCE(d.late, 0), COALESCE(p.approved, 0), COALESCE(p.first_time, 0),
       COALESCE(u.people, 0)
FROM crm_team t
LEFT JOIN (SELECT so.team_id, SUM(sol.price_subtotal) AS sales
           FROM sale_order so JOIN sale_order_line sol ON sol.order_id = so.id
           WHERE so.state IN ('sale', 'done') AND so.date_order >= %(start)s
             AND so.date_order < %(stop)s::date + 1
           GROUP BY so.team_id) o ON o.team_id = t.id
LEFT JOIN (SELECT v.team_id, COUNT(*) FILTER (WHERE v.planned) AS planned,
                  COUNT(*) FILTER (WHERE v.state = 'done') AS done,
                  COUNT(*) FILTER (WHERE v.is_effective) AS effective,
                  COUNT(*) FILTER (WHERE v.state = 'done' AND EXISTS (
                      SELECT 1 FROM sales_visit_sale_order_rel r WHERE r.visit_id = v.id))
                      AS with_order
           FROM sales_visit v WHERE v.date BETWEEN %(start)s AND %(stop)s
           GROUP BY v.team_id) v ON v.team_id = t.id
LEFT JOIN (SELECT r.team_id, COUNT(*) FILTER (WHERE r.state <> 'draft') AS submitted,
                  COUNT(*) FILTER (WHERE r.is_late) AS late
           FROM sales_daily_report r WHERE r.date BETWEEN %(start)s AND %(stop)s
           GROUP BY r.team_id) d ON d.team_id = t.id
LEFT JOIN (SELECT p.team_id, COUNT(*) FILTER (WHERE p.state = 'approved') AS approved,
                  COUNT(*) FILTER (WHERE p.approved_first_time) AS first_time
           FROM sales_visit_plan p WHERE p.date BETWEEN %(start)s AND %(stop)s
           GROUP BY p.team_id) p ON p.team_id = t.id
LEFT JOIN (SELECT u.sale_team_id, COUNT(*) AS people
           FROM res_users u JOIN crm_team t ON t.id = u.sale_team_id
           WHERE u.active AND NOT u.share AND u.id <> t.user_id
           GROUP BY u.sale_team_id) u ON u.sale_team_id = t.id
WHERE t.user_id IS NOT NULL
"""


def hand_written_week(cr, start, stop):
    cr.execute(HAND_WRITTEN_WEEK, {"start": start, "stop": stop})
    return cr.fetchall()


def compare_week(reports, rows):
    """The teams whose weekly report differs from the hand-written figures."""
    expected = {row[0]: [float(value or 0) for value in row[1:]] for row in rows}
    found = {values["team_id"][0]: [float(values[name] or 0) for name in WEEKLY_FIGURES]
             for values in reports.read(["team_id"] + WEEKLY_FIGURES)}
    return len(found), sorted(key for key in set(expected) | set(found)
                              if any(abs(a - b) > 0.01 for a, b in zip(
                                  expected.get(key, [0] * len(WEEKLY_FIGURES)),
                                  found.get(key, [0] * len(WEEKLY_FIGURES)), strict=True)))


def measure_weekly(env, runs, monday):
    """4. The weekly report's Monday action for every team, as the scheduler runs
    it (no context): its first run (creates the reports of the week before
    ``monday``), a re-run (refreshes them), and ``_refresh()`` of one team's
    report against all of them; the hand-written aggregate of the same figures."""
    cr = env.cr
    weekly = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["sales.weekly.report"]
    start, stop = monday - timedelta(days=7), monday - timedelta(days=1)
    week = "%d-W%02d" % start.isocalendar()[:2]
    found = []

    def generate():
        found.append(weekly._cron_generate(str(monday)))
    seconds, queries = measure_rolled_back(env, runs, generate)
    teams = len(found[-1])
    rows = [["weekly report, Monday action %s for %s (all %d teams), first run: creates "
             "%d reports" % (monday, week, teams, teams), seconds, queries]]
    samples = {"rerun": [], "one": [], "all": []}
    compared = differ = None
    for run in range(runs + 1):
        generate()  # creates the reports
        reports = found[-1]
        if differ is None:
            compared, differ = compare_week(reports, hand_written_week(cr, start, stop))
            first_team = reports[0].salesperson_count
        for key, function in (("rerun", generate),
                              ("one", lambda reports=reports: reports[:1]._refresh()),
                              ("all", lambda reports=reports: reports._refresh())):
            sample = measure(env, 1, function)
            if run:  # the first round fills the caches
                samples[key].append(sample)
        cr.rollback()
        env.clear()

    def median(key):
        return (statistics.median(s for s, _q in samples[key]),
                max(q for _s, q in samples[key]))
    limit, _queries = measure(env, runs, lambda: hand_written_week(cr, start, stop))
    rows.append(["weekly report, Monday action, re-run: refreshes the %d reports" % teams,
                 *median("rerun"), limit])
    rows.append(["weekly report `_refresh()`, 1 team (%d salespeople)" % first_team,
                 *median("one")])
    rows.append(["weekly report `_refresh()`, all %d teams" % teams, *median("all"), limit])
    rows[0].append(limit)
    note = ("hand-written SQL of the weekly report: the week's sales (confirmed order lines "
            "by the order's team), visits planned / done / effective / with an order, daily "
            "reports submitted and late, plans approved and approved first time, salespeople,"
            " by team, from sale_order(_line), sales_visit(_sale_order_rel), "
            "sales_daily_report, sales_visit_plan and res_users (not the new customers, "
            "collections, target shares, competitor dynamics and abnormal customers of the "
            "report: a lower bound); %s on %d teams." % (
                "checked equal to the reports'" if not differ
                else "DIFFERENT from the reports' for teams %s" % differ, compared))
    return rows, note


KPI_FIELDS = ["reports_due", "on_time_rate", "avg_quality", "first_time_rate"]
KPI_SUMS = ["reports_due", "reports_on_time", "reports_scored", "quality_total",
            "plans_approved", "plans_first_time", "on_time_rate", "avg_quality",
            "first_time_rate"]

HAND_WRITTEN_KPI = """
SELECT %s AS key, date_trunc(%%(unit)s, k.date)::date AS period,
       SUM(k.due), SUM(k.on_time), SUM(k.scored), SUM(k.quality), SUM(k.approved),
       SUM(k.first_time),
       COALESCE(100.0 * SUM(k.on_time) / NULLIF(SUM(k.due), 0), 0),
       COALESCE(SUM(k.quality)::float / NULLIF(SUM(k.scored), 0), 0),
       COALESCE(100.0 * SUM(k.first_time) / NULLIF(SUM(k.approved), 0), 0)
FROM (
    SELECT r.user_id, r.date, 1 AS due,
           (r.state <> 'draft' AND NOT COALESCE(r.is_late, FALSE))::int AS on_time,
           (r.quality_value > 0)::int AS scored, COALESCE(r.quality_value, 0) AS quality,
           0 AS approved, 0 AS first_time
    FROM sales_daily_report r
    WHERE r.date BETWEEN %%(start)s AND %%(stop)s AND EXTRACT(isodow FROM r.date) < 6
    UNION ALL
    SELECT p.user_id, p.date, 0, 0, 0, 0, (p.state = 'approved')::int,
           COALESCE(p.approved_first_time, FALSE)::int
    FROM sales_visit_plan p WHERE p.date BETWEEN %%(start)s AND %%(stop)s
) k
JOIN res_users u ON u.id = k.user_id
GROUP BY 1, 2
"""


def hand_written_kpi(cr, key, unit, start, stop):
    # The key is one of two constants (the salesperson or the team column).
    cr.execute(HAND_WRITTEN_KPI % key, {"unit": unit, "start": start, "stop": stop})
    return cr.fetchall()


def compare_kpi(groups, rows, field, start):
    """How many groups of the KPI pivot differ from the hand-written sums and rates
    (a group's period starts at its ``date >=`` term, the range's start for the
    first week)."""
    expected = {(row[0], max(str(row[1]), start)):
                [float(value or 0) for value in row[2:]] for row in rows}
    found = {}
    for group in groups:
        period = max(term[2] for term in group["__domain"]
                     if isinstance(term, (list, tuple)) and term[0] == "date"
                     and term[1] == ">=")
        found[(group[field][0], period)] = [float(group[name] or 0) for name in KPI_SUMS]
    zeros = [0] * len(KPI_SUMS)
    differ = [key for key in set(expected) | set(found)
              if any(abs(a - b) > 0.01 for a, b in zip(expected.get(key, zeros),
                                                       found.get(key, zeros), strict=True))]
    return len(found), differ


def measure_kpi(env, runs, days, today):
    """5. The report timeliness and quality KPI as the pivot reads it: by
    salesperson × month for the year, by team × week for a quarter; each next to
    a hand-written aggregate of the daily reports and plans (checked equal)."""
    cr = env.cr
    kpi = env["sales.report.kpi"]
    quarter = quarter_bounds(today)
    shapes = (("salesperson × month, the year (%s to %s)" % (days[0], today),
               (str(days[0]), str(today)), "user_id", "month", "k.user_id"),
              ("team × week, one quarter (%s to %s)" % quarter,
               (str(quarter[0]), str(quarter[1])), "team_id", "week", "u.sale_team_id"))
    results, checks = [], []
    for label, (start, stop), field, unit, key in shapes:
        domain = [("date", ">=", start), ("date", "<=", stop)]
        groupby = [field, "date:%s" % unit]

        def pivot(domain=domain, groupby=groupby, field=field):
            return kpi.read_group(domain, [field, "date"] + KPI_FIELDS, groupby, lazy=False)

        def limit(key=key, unit=unit, start=start, stop=stop):
            return hand_written_kpi(cr, key, unit, start, stop)
        groups = pivot()  # not measured: fills the registry's caches
        compared, differ = compare_kpi(groups, limit(), field, start)
        seconds, queries = measure(env, runs, pivot)
        results.append(["KPI pivot read_group, %s: %d groups" % (label, len(groups)),
                        seconds, queries, measure(env, runs, limit)[0]])
        checks.append("%s on %d groups (%s)" % (
            "equal" if not differ else "DIFFERENT on %d (e.g. %s)" % (
                len(differ), sorted(differ)[:3]), compared, label.split(",")[0]))
    note = ("hand-written SQL of the KPI: the same sums (reports due, on time, scored, "
            "quality points; plans approved, approved first time) and rates by salesperson "
            "or team and month or week, straight from sales_daily_report and "
            "sales_visit_plan; checked against the pivot: %s." % "; ".join(checks))
    return results, note


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="spm_bench_daily")
    parser.add_argument("--salespeople", type=int, default=200)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--days", type=int, default=260,
                        help="working days of plans, up to today (default: 260, a year)")
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
    today = datetime.utcnow().date()
    days = working_days(args.days, today)
    with odoo.api.Environment.manage():
        registry = odoo.registry(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            teams, salespeople = build_company(env, args)
            build_targets(env, teams, salespeople)
            build_daily_loop(env, teams, salespeople, days, today)
            cr.commit()
            built = time.perf_counter() - started
            counts = {}
            for table in ("sales_visit_plan", "sales_visit", "sales_visit_expense",
                          "sales_daily_report", "sales_daily_report_target", "sale_order",
                          "sale_order_line", "account_payment", "sales_target_line",
                          "sales_visit_sale_order_rel", "sales_market_report"):
                cr.execute("SELECT count(*) FROM %s" % table)
                counts[table] = cr.fetchone()[0]
            load = os.getloadavg()[0]
            results, note = measure_efficiency(env, args.runs, days, today)
            # a full day a month back (the last days miss some reports)
            results += measure_prefill(env, args.runs, days[-min(22, len(days))])
            results += measure_cron(env, args.runs)
            # The Monday four weeks back: its week before is complete.
            monday = today - timedelta(days=today.weekday(), weeks=4)
            weekly, weekly_note = measure_weekly(env, args.runs, monday)
            kpi, kpi_note = measure_kpi(env, args.runs, days, today)
            results += weekly + kpi
            load = "%.1f before, %.1f after the measurements" % (load, os.getloadavg()[0])

    print("\nMachine: %s, %d cores, Python %s, PostgreSQL %s; load average (1 min) %s" % (
        platform.processor() or platform.machine(), os.cpu_count(),
        platform.python_version(),
        subprocess.run(["psql", "-XAtc", "SHOW server_version", "postgres"],
                       capture_output=True, text=True).stdout.strip(), load))
    print("Data: %d salespeople in %d teams, %d working days (%s to %s): %d visit plans, "
          "%d visits (%d linked to an order), %d visit expenses, %d daily reports (%d target "
          "lines), %d market reports; %d orders (%d lines) over two years, %d payments, "
          "%d target lines; built in %.0f s\n" % (
              args.salespeople, args.teams, len(days), days[0], days[-1],
              counts["sales_visit_plan"], counts["sales_visit"],
              counts["sales_visit_sale_order_rel"], counts["sales_visit_expense"],
              counts["sales_daily_report"], counts["sales_daily_report_target"],
              counts["sales_market_report"], counts["sale_order"], counts["sale_order_line"],
              counts["account_payment"], counts["sales_target_line"], built))
    print("| operation | median time (s) | SQL queries | hand-written SQL (s) | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in results:
        label, seconds, queries = row[:3]
        if len(row) > 3:
            print("| %s | %.3f | %d | %.3f | %.1f |" % (label, seconds, queries, row[3],
                                                      seconds / row[3]))
        else:
            print("| %s | %.3f | %d | | |" % (label, seconds, queries))
    print("\n" + note)
    print("\n" + weekly_note)
    print("\n" + kpi_note)
    if not args.keep:
        odoo.sql_db.close_all()
        subprocess.run(["dropdb", "--if-exists", args.db], check=True)


if __name__ == "__main__":
    main()
