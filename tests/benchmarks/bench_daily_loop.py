"""Benchmark of the daily loop on a year of data (not part of the test suite).

    .venv/bin/python tests/benchmarks/bench_daily_loop.py [--salespeople 200]
        [--teams 10] [--days 260] [--runs 5] [--keep] [--plain-data] [--json FILE]
        [--build-only | --reuse] [--only efficiency,prefill,cron,weekly,kpi,suggestions]

Creates a throw-away database with the addon and fills it like
``bench_target_actuals.py`` does (teams, salespeople, customers, orders over two
years, payments, the year's targets by month, and what makes the attribution
non-trivial: its builders are reused), then adds in bulk (SQL) a year of the
daily loop: one approved visit plan per salesperson and working day (3 %
returned once), 3 to 6 visits per plan (done, missed or to do; some unplanned,
some effective; the day's confirmed orders linked to its visits done),
expenses on about half the visits done or missed, one daily report per
salesperson and past working day (mostly approved with a quality score, some
late; a few missing or left as drafts in the last days, for the
missing-report reminder), and market reports on 6 % of the days (most about
one of 5 competitors).

It prints, for each measured operation, the median wall time of several runs
and the number of SQL queries, next to a hand-written SQL that computes the
same figures straight from the base tables (and, for an operation that
writes, writes them: both rolled back), after checking that both give the
same numbers (the script fails loudly if not): the efficiency analysis'
pivot in three shapes, the prefill of the daily reports, the missing-report
cron (first run: it creates documents and posts messages, no SQL
reference; next run), the weekly reports (Monday action, first run and
re-run, ``_refresh()`` of one team and of all), the report KPI's pivot in two
shapes, the visit suggestions of every plan of the last day
(``bench_suggestions.py``).  Nothing here asserts on time.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import reference_sql
from bench_suggestions import measure_suggestions
from bench_target_actuals import (
    build_attribution,
    build_company,
    build_targets,
    jit_off,
    machine,
    measure,
    print_table,
    run_odoo_install,
    write_conf,
    write_json,
)

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


# ------------------------------------------------------------- helpers


def measure_rolled_back(env, runs, function, prepare=None):
    """``measure`` of one run at a time, the transaction rolled back after each
    run (the operation writes), after one run not measured (that fills the
    registry's caches): median time, highest query count.  ``prepare`` runs
    before each run, outside the measure."""
    samples = []
    for run in range(runs + 1):
        if prepare:
            prepare()
        sample = measure(env, 1, function)
        if run:
            samples.append(sample)
        env.cr.rollback()
        env.clear()
    return statistics.median(s for s, _q in samples), max(q for _s, q in samples)


def row(key, label, sample, reference=None, **extra):
    seconds, queries = sample
    return dict(extra, key=key, label=label, seconds=seconds, queries=queries,
                reference=reference)


def month_bounds(day):
    """First and last day of the calendar month before ``day``'s."""
    last = day.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def quarter_bounds(day):
    """First and last day of the calendar quarter before ``day``'s."""
    first_of_quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = first_of_quarter - timedelta(days=1)
    return date(last.year, 3 * ((last.month - 1) // 3) + 1, 1), last


def group_period(group, start):
    """The first day of a read_group group's period (its ``date >=`` term:
    the range's start for a first period cut by the range)."""
    return max(term[2] for term in group["__domain"]
               if isinstance(term, (list, tuple)) and term[0] == "date" and term[1] == ">="
               and term[2] >= start)


def group_key(group, field):
    value = group[field]
    return value[0] if value else None


def hand_written_groups(cr, sql, params):
    """Run a hand-written grouped query (JIT off, as the addon's analytic
    queries) and return {(key, first day of the period): [numbers]}; the
    period's first day is cut to the range's start."""
    with jit_off(cr):
        cr.execute(sql, params)
        rows = cr.fetchall()
    return {(key, max(str(period), str(params["start"]))): [float(v or 0) for v in values]
            for key, period, *values in rows}


# ------------------------------------------------------------- 1. efficiency

EFFICIENCY_RATES = {  # the pivot's rates: numerator, denominator, factor (lib/rates.py)
    "effective_rate": ("visit_effective", "visit_done", 100.0),
    "sales_per_visit": ("sales_amount", "visit_done", 1.0),
    "expense_ratio": ("expense_amount", "sales_amount", 100.0),
    "achievement_rate": ("sales_amount", "target_amount", 100.0),
}

HAND_WRITTEN_EFFICIENCY = """
SELECT %(key)s AS key, x.period,
       %(sums)s,
       %(rates)s
FROM (
    SELECT v.user_id, date_trunc(%%(unit)s, v.date)::date AS period,
           COUNT(*) FILTER (WHERE v.planned) AS visit_planned,
           COUNT(*) FILTER (WHERE NOT v.planned) AS visit_unplanned,
           COUNT(*) FILTER (WHERE v.state = 'done') AS visit_done,
           COUNT(*) FILTER (WHERE v.is_effective) AS visit_effective,
           0 AS order_count, 0 AS sales_amount, 0 AS collection_amount,
           COALESCE(SUM(v.expense_amount), 0) AS expense_amount, 0 AS target_amount
    FROM sales_visit v WHERE v.date BETWEEN %%(start)s AND %%(stop)s
    GROUP BY 1, 2
    UNION ALL
    SELECT so.user_id, date_trunc(%%(unit)s, %(local_day)s)::date, 0, 0, 0, 0, COUNT(*), 0, 0,
           0, 0
    FROM sale_order so
    JOIN res_company c ON c.id = so.company_id
    JOIN res_partner ctz ON ctz.id = c.partner_id
    WHERE so.state IN ('sale', 'done') AND so.user_id IS NOT NULL
      AND so.date_order >= %%(start)s::date - 1 AND so.date_order < %%(stop)s::date + 2
      AND %(local_day)s BETWEEN %%(start)s AND %%(stop)s
    GROUP BY 1, 2
    UNION ALL
    SELECT f.user_id, date_trunc(%%(unit)s, f.day)::date, 0, 0, 0, 0, 0, SUM(f.sales),
           SUM(f.collections), 0, 0
    FROM (%(facts)s
    ) f
    WHERE f.user_id IS NOT NULL
    GROUP BY 1, 2
    UNION ALL
    -- the day's share of the salesperson's monthly sales target (the latest
    -- line when several cover the day), on working days
    SELECT t.user_id, date_trunc(%%(unit)s, t.day)::date, 0, 0, 0, 0, 0, 0, 0, 0,
           SUM(t.target)
    FROM (
        SELECT DISTINCT ON (l.user_id, d.day) l.user_id, d.day::date AS day,
               l.target_amount / NULLIF(wd.days, 0) AS target
        FROM sales_target_line l
        CROSS JOIN LATERAL (
            SELECT COUNT(*) AS days FROM generate_series(l.date_from, l.date_to,
                                                         interval '1 day') g
            WHERE EXTRACT(isodow FROM g) < 6) wd
        CROSS JOIN LATERAL generate_series(GREATEST(l.date_from, %%(start)s::date),
                                           LEAST(l.date_to, %%(stop)s::date),
                                           interval '1 day') d(day)
        WHERE l.metric = 'sales' AND l.user_id IS NOT NULL AND l.partner_id IS NULL
          AND l.categ_id IS NULL AND l.period_type = 'month'
          AND l.date_to >= %%(start)s AND l.date_from <= %%(stop)s
          AND EXTRACT(isodow FROM d.day) < 6
        ORDER BY l.user_id, d.day, l.id DESC
    ) t
    GROUP BY 1, 2
) x
JOIN res_users u ON u.id = x.user_id
GROUP BY 1, 2
"""


def efficiency_sql(key):
    sums = ["visit_planned", "visit_unplanned", "visit_done", "visit_effective",
            "order_count", "sales_amount", "collection_amount", "expense_amount",
            "target_amount"]
    rates = ["CASE WHEN SUM(x.%(d)s) <> 0 THEN %(f)s * SUM(x.%(n)s) / SUM(x.%(d)s) ELSE 0 END"
             % {"n": n, "d": d, "f": f} for n, d, f in EFFICIENCY_RATES.values()]
    return HAND_WRITTEN_EFFICIENCY % {
        "key": key, "sums": ", ".join("SUM(x.%s)" % name for name in sums),
        "rates": ", ".join(rates), "local_day": reference_sql.LOCAL_DAY,
        "facts": reference_sql.facts(("sales", "collections"))}


def measure_efficiency(env, runs, days, today):
    """1. The efficiency analysis, read as the pivot reads it, in three shapes,
    each next to its hand-written aggregate (checked equal: sums and rates)."""
    cr = env.cr
    report = env["sales.efficiency.report"]
    start, stop = str(days[0]), str(today)
    shapes = (
        ("eff_month", "salesperson, one month (%s)" % month_bounds(today)[0].strftime("%Y-%m"),
         month_bounds(today), ["user_id"], "x.user_id", "month"),
        ("eff_quarter", "team × week, one quarter (%s to %s)" % quarter_bounds(today),
         quarter_bounds(today), ["team_id", "date:week"], "u.sale_team_id", "week"),
        ("eff_year", "salesperson × month, the year (%s to %s)" % (start, stop),
         (start, stop), ["user_id", "date:month"], "x.user_id", "month"),
    )
    fields_ = SUMS + list(EFFICIENCY_RATES)
    rows, checks = [], []
    for key, label, (date_from, date_to), groupby, sql_key, unit in shapes:
        domain = [("date", ">=", str(date_from)), ("date", "<=", str(date_to))]
        params = {"start": str(date_from), "stop": str(date_to), "unit": unit}
        sql = efficiency_sql(sql_key)

        def pivot(domain=domain, groupby=groupby):
            return report.read_group(domain, [g.split(":")[0] for g in groupby] + MEASURES,
                                     groupby, lazy=False)

        def reference(sql=sql, params=params):
            return hand_written_groups(cr, sql, params)
        groups = pivot()  # not measured: fills the registry's caches
        found = {(group_key(g, groupby[0]), group_period(g, str(date_from))):
                 [float(g[name] or 0) for name in fields_] for g in groups}
        full_label = "efficiency pivot read_group, %s: %d groups" % (label, len(groups))
        checks.append(reference_sql.check(full_label, reference(), found))
        rows.append(row(key, full_label, measure(env, runs, pivot),
                        measure(env, runs, reference)[0]))
    return rows, checks


# ------------------------------------------------------------- 2. prefill

PREFILL_FIGURES = ["visit_planned_count", "visit_done_count", "visit_effective_count",
                   "visit_unplanned_count", "complaint_count", "expense_amount", "order_count",
                   "sales_amount", "margin_amount", "collection_amount", "new_customer_count"]

HAND_WRITTEN_PREFILL = """
WITH k AS (
    SELECT r.id, r.user_id, r.date FROM sales_daily_report r WHERE r.id = ANY(%%(ids)s)
),
vis AS (
    SELECT k.id, COUNT(*) FILTER (WHERE v.planned) AS planned,
           COUNT(*) FILTER (WHERE v.state = 'done') AS done,
           COUNT(*) FILTER (WHERE v.is_effective) AS effective,
           COUNT(*) FILTER (WHERE NOT v.planned) AS unplanned,
           COUNT(*) FILTER (WHERE v.purpose = 'complaint' AND v.state = 'done') AS complaints,
           COALESCE(SUM(v.expense_amount), 0) AS expenses
    FROM k JOIN sales_visit v ON v.user_id = k.user_id AND v.date = k.date
    GROUP BY k.id
),
ord AS (
    SELECT k.id, so.id AS order_id
    FROM k
    JOIN sale_order so ON so.user_id = k.user_id AND so.state IN ('sale', 'done')
     AND so.date_order >= k.date - 1 AND so.date_order < k.date + 2
    JOIN res_company c ON c.id = so.company_id
    JOIN res_partner ctz ON ctz.id = c.partner_id
    WHERE %(local_day)s = k.date
),
fa AS (
    SELECT k.id, %(fact_sums)s
    FROM k
    JOIN (%(facts)s
    ) f ON f.user_id = k.user_id AND f.day BETWEEN date_trunc('month', k.date)::date AND k.date
    WHERE f.user_id = ANY(%%(users)s)
    GROUP BY k.id
),
tl AS (
    SELECT k.id AS report_id, l.id AS line_id, l.metric, l.target_amount,
           CASE WHEN EXTRACT(isodow FROM k.date) < 6
                THEN l.target_amount / GREATEST(wd.total, 1) ELSE 0 END AS day_target,
           CASE l.metric WHEN 'sales' THEN fa.sales_day WHEN 'margin' THEN fa.margin_day
                WHEN 'new_customers' THEN fa.new_customers_day
                ELSE fa.collections_day END AS day_actual,
           CASE l.metric WHEN 'sales' THEN fa.sales_month WHEN 'margin' THEN fa.margin_month
                WHEN 'new_customers' THEN fa.new_customers_month
                ELSE fa.collections_month END AS month_actual,
           CASE WHEN wd.total > 0 THEN 100.0 * wd.elapsed / wd.total ELSE 0 END AS expected
    FROM k
    JOIN sales_target_line l ON l.user_id = k.user_id AND l.partner_id IS NULL
     AND l.categ_id IS NULL AND l.period_type = 'month'
     AND k.date BETWEEN l.date_from AND l.date_to
    LEFT JOIN fa ON fa.id = k.id
    CROSS JOIN LATERAL (
        SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE g <= k.date) AS elapsed
        FROM generate_series(l.date_from, l.date_to, interval '1 day') g
        WHERE EXTRACT(isodow FROM g) < 6) wd
),
upd AS (
    UPDATE sales_daily_report r
    SET visit_planned_count = COALESCE(vis.planned, 0),
        visit_done_count = COALESCE(vis.done, 0),
        visit_effective_count = COALESCE(vis.effective, 0),
        visit_unplanned_count = COALESCE(vis.unplanned, 0),
        complaint_count = COALESCE(vis.complaints, 0),
        expense_amount = COALESCE(vis.expenses, 0),
        order_count = COALESCE(oc.orders, 0),
        sales_amount = COALESCE(fa.sales_day, 0),
        margin_amount = COALESCE(fa.margin_day, 0),
        collection_amount = COALESCE(fa.collections_day, 0),
        new_customer_count = COALESCE(fa.new_customers_day, 0)::int,
        prefilled_at = now() AT TIME ZONE 'UTC',
        write_uid = %%(uid)s, write_date = now() AT TIME ZONE 'UTC'
    FROM k
    LEFT JOIN vis ON vis.id = k.id
    LEFT JOIN (SELECT id, COUNT(*) AS orders FROM ord GROUP BY id) oc ON oc.id = k.id
    LEFT JOIN fa ON fa.id = k.id
    WHERE r.id = k.id
    RETURNING r.id
),
old_orders AS (
    DELETE FROM sales_daily_report_sale_order_rel rel
    WHERE rel.report_id IN (SELECT id FROM k)
      AND NOT EXISTS (SELECT 1 FROM ord WHERE ord.id = rel.report_id
                      AND ord.order_id = rel.order_id)
    RETURNING 1
),
new_orders AS (
    INSERT INTO sales_daily_report_sale_order_rel (report_id, order_id)
    SELECT id, order_id FROM ord ON CONFLICT DO NOTHING RETURNING 1
),
old_targets AS (
    DELETE FROM sales_daily_report_target t WHERE t.report_id IN (SELECT id FROM k)
    RETURNING 1
),
new_targets AS (
    INSERT INTO sales_daily_report_target (report_id, target_line_id, metric, month_target,
                                           day_target, day_actual, month_actual,
                                           expected_rate, create_uid, create_date, write_uid,
                                           write_date)
    SELECT report_id, line_id, metric, target_amount, day_target, COALESCE(day_actual, 0),
           COALESCE(month_actual, 0), expected, %%(uid)s, now() AT TIME ZONE 'UTC',
           %%(uid)s, now() AT TIME ZONE 'UTC'
    FROM tl
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM upd), (SELECT COUNT(*) FROM new_targets)
""" % {"local_day": reference_sql.LOCAL_DAY,
       "facts": reference_sql.facts(order_where="so.user_id = ANY(%(users)s)"),
       "fact_sums": ", ".join(
           "COALESCE(SUM(f.%(m)s) FILTER (WHERE f.day = k.date), 0) AS %(m)s_day, "
           "COALESCE(SUM(f.%(m)s), 0) AS %(m)s_month" % {"m": metric}
           for metric in ("sales", "margin", "new_customers", "collections"))}


def hand_written_prefill(cr, report_ids):
    """The prefill of ``report_ids`` by hand: one query for the window and
    the salespeople, then one statement that computes the figures and
    writes them (UPDATE of the reports, their orders and target lines
    replaced)."""
    cr.execute("SELECT MIN(date_trunc('month', date))::date, MAX(date), "
               "ARRAY_AGG(DISTINCT user_id) FROM sales_daily_report WHERE id = ANY(%s)",
               (list(report_ids),))
    start, stop, users = cr.fetchone()
    with jit_off(cr):
        cr.execute(HAND_WRITTEN_PREFILL, {"ids": list(report_ids), "start": start,
                                          "stop": stop, "users": users,
                                          "uid": odoo.SUPERUSER_ID})
        return cr.fetchone()


def prefill_snapshot(cr, report_ids):
    """What a prefill wrote: {key: [numbers]} of the reports' figures, their
    target lines and their orders."""
    cr.execute("SELECT id, %s FROM sales_daily_report WHERE id = ANY(%%s)"
               % ", ".join(PREFILL_FIGURES), (list(report_ids),))
    snapshot = {("report", row[0]): [float(v or 0) for v in row[1:]] for row in cr.fetchall()}
    cr.execute("""SELECT report_id, target_line_id, metric, month_target, day_target,
                         day_actual, month_actual, expected_rate
                  FROM sales_daily_report_target WHERE report_id = ANY(%s)""",
               (list(report_ids),))
    for report_id, line_id, metric, *values in cr.fetchall():
        snapshot[("target", report_id, line_id, metric)] = [float(v or 0) for v in values]
    cr.execute("SELECT report_id, order_id FROM sales_daily_report_sale_order_rel "
               "WHERE report_id = ANY(%s)", (list(report_ids),))
    for report_id, order_id in cr.fetchall():
        snapshot[("order", report_id, order_id)] = [1.0]
    return snapshot


def measure_prefill(env, runs, day):
    """2. The prefill of the daily reports of ``day``: the report with the
    fewest visits and orders, the one with the most, 20 reports, all of
    them; each next to the hand-written SQL that computes and writes the same
    figures (checked equal; both rolled back)."""
    cr = env.cr
    reports = env["sales.daily.report"]
    day_reports = reports.search([("date", "=", str(day))])
    cr.execute("""
        SELECT r.id, COUNT(DISTINCT v.id), COUNT(DISTINCT rel.order_id)
        FROM sales_daily_report r
        LEFT JOIN sales_visit v ON v.user_id = r.user_id AND v.date = r.date
        LEFT JOIN sales_daily_report_sale_order_rel rel ON rel.report_id = r.id
        WHERE r.id = ANY(%s) GROUP BY r.id
    """, (day_reports.ids,))
    by_size = sorted(cr.fetchall(), key=lambda r: (r[1] + r[2], r[0]))
    cases = (("prefill_min", "1 report (%d visits, %d orders)" % by_size[0][1:],
              reports.browse(by_size[0][0])),
             ("prefill_max", "1 report (%d visits, %d orders)" % by_size[-1][1:],
              reports.browse(by_size[-1][0])),
             ("prefill_20", "20 reports of %s" % day, day_reports[:20]),
             ("prefill_all", "all %d reports of %s (%d visits, %d orders)" % (
                 len(day_reports), day, sum(r[1] for r in by_size), sum(r[2] for r in by_size)),
              day_reports))
    # As the form's "Refresh figures" runs it: no tracking_disable in the context.
    plain = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    rows, checks = [], []
    for key, label, subset in cases:
        ids = subset.ids
        subset.with_env(plain)._prefill()
        found = prefill_snapshot(cr, ids)
        cr.rollback()
        env.clear()
        hand_written_prefill(cr, ids)
        expected = prefill_snapshot(cr, ids)
        cr.rollback()
        env.clear()
        full_label = "daily report prefill, %s" % label
        checks.append(reference_sql.check(full_label, expected, found))
        rows.append(row(key, full_label, measure_rolled_back(
            env, runs, lambda subset=subset: subset.with_env(plain)._prefill()),
            measure_rolled_back(env, runs, lambda ids=ids: hand_written_prefill(cr, ids))[0]))
    return rows, checks


# ------------------------------------------------------------- 3. missing reports

HAND_WRITTEN_MISSING = """
WITH sp AS (
    SELECT u.id, u.create_date::date AS joined, c.sales_report_deadline AS hours,
           c.sales_missing_report_days AS look_back,
           COALESCE(NULLIF(p.tz, ''), NULLIF(cp.tz, ''), 'UTC') AS tz
    FROM res_users u
    JOIN res_partner p ON p.id = u.partner_id
    JOIN res_company c ON c.id = u.company_id
    JOIN res_partner cp ON cp.id = c.partner_id
    WHERE u.active AND NOT u.share
      AND EXISTS (SELECT 1 FROM res_groups_users_rel g WHERE g.uid = u.id AND g.gid = (
          SELECT res_id FROM ir_model_data WHERE module = 'sales_process_mgmt'
             AND name = 'group_salesperson'))
      AND NOT EXISTS (SELECT 1 FROM res_groups_users_rel g WHERE g.uid = u.id AND g.gid = (
          SELECT res_id FROM ir_model_data WHERE module = 'sales_process_mgmt'
             AND name = 'group_supervisor'))
),
due AS (
    SELECT sp.id AS user_id, d.day
    FROM sp
    CROSS JOIN LATERAL generate_series(0, sp.look_back) back(days)
    CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE sp.tz)::date - back.days AS day) d
    WHERE EXTRACT(isodow FROM d.day) < 6 AND d.day >= sp.joined
      AND (d.day + sp.hours * interval '1 hour') AT TIME ZONE sp.tz <= now()
)
SELECT due.user_id, due.day, r.id
FROM due
LEFT JOIN sales_daily_report r ON r.user_id = due.user_id AND r.date = due.day
WHERE r.id IS NULL
   OR (r.state = 'draft' AND r.attendance <> 'leave' AND NOT COALESCE(r.missing_notified, FALSE))
"""


def hand_written_missing(cr):
    """The (salesperson, day) pairs whose report is missing: what the cron
    finds (its figures; it then creates documents and posts messages)."""
    cr.execute(HAND_WRITTEN_MISSING)
    return {(user_id, str(day)): [1.0] for user_id, day, _report in cr.fetchall()}


def measure_cron(env, runs):
    """3. The missing-report cron, as the scheduler runs it (no context): its
    first run on the data (creates the missing reports as drafts, prefills
    them, gives each salesperson an activity and each approver one digest
    message), then its next (hourly) run, that finds the reports already
    reminded; the hand-written SQL that finds the missing reports next to the
    next run (checked against both runs)."""
    cr = env.cr
    cron_env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    cr.execute("SELECT max(id) FROM sales_daily_report")
    last_id = cr.fetchone()[0]
    expected_first = hand_written_missing(cr)
    found = []

    def cron():
        found.append(cron_env["sales.daily.report"]._cron_remind_missing())
    cr.execute("SELECT (SELECT COALESCE(max(id), 0) FROM mail_message), "
               "(SELECT COALESCE(max(id), 0) FROM mail_activity)")
    last_message, last_activity = cr.fetchone()
    cron()
    reminded = found[-1]
    first_keys = {(r.user_id.id, r.date): [1.0] for r in reminded}
    created = len([i for i in reminded.ids if i > last_id])
    cr.execute("SELECT (SELECT count(*) FROM mail_message WHERE id > %s AND model IS NULL), "
               "(SELECT count(*) FROM mail_activity WHERE id > %s)",
               (last_message, last_activity))
    digests, activities = cr.fetchone()
    checks = [reference_sql.check("missing-report cron, first run (the reports reminded)",
                                  expected_first, first_keys)]
    cron()
    next_reminded = len(found[-1])
    checks.append(reference_sql.check("missing-report cron, next run (the reports reminded)",
                                      hand_written_missing(cr),
                                      {(r.user_id.id, r.date): [1.0] for r in found[-1]}))
    cr.rollback()
    env.clear()
    first = measure_rolled_back(env, runs, cron)
    next_run = measure_rolled_back(env, runs, cron, prepare=cron)
    reference = measure_rolled_back(env, runs, lambda: hand_written_missing(cr),
                                    prepare=cron)[0]
    return [row("cron_first", "missing-report cron, first run: %d reports reminded (%d of "
                "them created), %d activities, %d digest messages" % (
                    len(reminded), created, activities, digests), first,
                reminded=len(reminded), created=created + activities + digests,
                digests=digests, activities=activities),
            row("cron_next", "missing-report cron, next run: %d reports reminded"
                % next_reminded, next_run, reference)], checks


# ------------------------------------------------------------- 4. weekly report

WEEKLY_FIGURES = ["sales_amount", "new_customer_count", "collection_amount", "visit_planned",
                  "visit_done", "visit_effective", "visit_with_order", "effective_rate",
                  "transaction_rate", "salesperson_count", "avg_sales_per_salesperson",
                  "reports_due", "reports_submitted", "reports_late", "reports_missing",
                  "plans_approved", "plans_first_time", "abnormal_count"]


def _esc(expression):
    """SQL escaping ``expression`` for HTML text, as QWeb's t-esc does."""
    return ("replace(replace(replace(replace(replace(%s, '&', '&amp;'), '<', '&lt;'), "
            "'>', '&gt;'), '\"', '&quot;'), '''', '&#39;')" % expression)


HAND_WRITTEN_WEEKLY = """
WITH k AS (
    SELECT r.id, r.team_id, r.week_start AS start, r.week_start + 6 AS stop,
           date_trunc('month', r.week_start + 6)::date AS month_start
    FROM sales_weekly_report r WHERE r.id = ANY(%%(ids)s)
),
fa AS (
    SELECT k.id, %(fact_sums)s
    FROM k
    JOIN (%(facts)s
    ) f ON f.team_id = k.team_id AND f.day BETWEEN LEAST(k.start, k.month_start) AND k.stop
    WHERE f.team_id = ANY(%%(teams)s)
    GROUP BY k.id
),
vis AS (
    SELECT k.id, COUNT(*) FILTER (WHERE v.planned) AS planned,
           COUNT(*) FILTER (WHERE v.state = 'done') AS done,
           COUNT(*) FILTER (WHERE v.is_effective) AS effective,
           COUNT(*) FILTER (WHERE v.state = 'done' AND EXISTS (
               SELECT 1 FROM sales_visit_sale_order_rel r WHERE r.visit_id = v.id))
               AS with_order
    FROM k JOIN sales_visit v ON v.team_id = k.team_id AND v.date BETWEEN k.start AND k.stop
    GROUP BY k.id
),
people AS (
    SELECT k.id, COUNT(*) AS people
    FROM k
    JOIN res_users u ON u.sale_team_id = k.team_id AND u.active AND NOT u.share
    WHERE EXISTS (SELECT 1 FROM res_groups_users_rel g WHERE g.uid = u.id AND g.gid = (
              SELECT res_id FROM ir_model_data WHERE module = 'sales_process_mgmt'
                 AND name = 'group_salesperson'))
      AND NOT EXISTS (SELECT 1 FROM res_groups_users_rel g WHERE g.uid = u.id AND g.gid = (
              SELECT res_id FROM ir_model_data WHERE module = 'sales_process_mgmt'
                 AND name = 'group_supervisor'))
    GROUP BY k.id
),
daily AS (
    SELECT k.id, COUNT(*) FILTER (WHERE d.state <> 'draft') AS submitted,
           COUNT(*) FILTER (WHERE d.is_late) AS late
    FROM k JOIN sales_daily_report d ON d.team_id = k.team_id
     AND d.date BETWEEN k.start AND k.stop AND EXTRACT(isodow FROM d.date) < 6
    GROUP BY k.id
),
plans AS (
    SELECT k.id, COUNT(*) FILTER (WHERE p.state = 'approved') AS approved,
           COUNT(*) FILTER (WHERE p.approved_first_time) AS first_time
    FROM k JOIN sales_visit_plan p ON p.team_id = k.team_id
     AND p.date BETWEEN k.start AND k.stop
    GROUP BY k.id
),
fig AS (
    SELECT k.id, COALESCE(fa.sales_week, 0) AS sales,
           COALESCE(fa.new_customers_week, 0) AS new_customers,
           COALESCE(fa.collections_week, 0) AS collections,
           COALESCE(vis.planned, 0) AS planned, COALESCE(vis.done, 0) AS done,
           COALESCE(vis.effective, 0) AS effective, COALESCE(vis.with_order, 0) AS with_order,
           COALESCE(people.people, 0) AS people,
           %(week_days)s * COALESCE(people.people, 0) AS due,
           COALESCE(daily.submitted, 0) AS submitted, COALESCE(daily.late, 0) AS late,
           COALESCE(plans.approved, 0) AS approved, COALESCE(plans.first_time, 0) AS first_time
    FROM k
    LEFT JOIN fa ON fa.id = k.id LEFT JOIN vis ON vis.id = k.id
    LEFT JOIN people ON people.id = k.id LEFT JOIN daily ON daily.id = k.id
    LEFT JOIN plans ON plans.id = k.id
),
competitor_rows AS (
    SELECT k.id, COALESCE(c.name, 'No competitor named') AS competitor,
           COUNT(*) OVER w AS reports, row_number() OVER (w ORDER BY m.date, m.id) AS n,
           c.display_name AS sort_name, m.date, m.kind, m.title
    FROM k
    JOIN sales_market_report m ON m.team_id = k.team_id AND m.date BETWEEN k.start AND k.stop
     AND m.state <> 'cancelled'
    LEFT JOIN res_partner c ON c.id = m.competitor_id
    WINDOW w AS (PARTITION BY k.id, m.competitor_id)
),
competitors AS (
    SELECT r.id, '<table class="table table-condensed o_sales_competitors"><thead><tr>'
           '<th>Competitor</th><th class="text-right">Reports</th><th>Date</th><th>Kind</th>'
           '<th>What</th></tr></thead><tbody>' || string_agg(
               '<tr><td>' || CASE WHEN r.n = 1 THEN %(competitor)s ELSE '' END
               || '</td><td class="text-right">'
               || CASE WHEN r.n = 1 THEN r.reports::text ELSE '' END || '</td><td>'
               || to_char(r.date, 'YYYY-MM-DD') || '</td><td>' || %(kind)s || '</td><td>'
               || %(title)s || '</td></tr>',
               '' ORDER BY r.sort_name NULLS LAST, r.n) || '</tbody></table>' AS html
    FROM competitor_rows r
    JOIN (VALUES %(kinds)s) kind(key, label) ON kind.key = r.kind
    GROUP BY r.id
),
abnormal_rows AS (
    SELECT k.id, p.display_name AS name, 'Overdue collection' AS why,
           to_char(SUM(inv.residual_company_signed), 'FM999999999999990.00') || ' due since '
           || to_char(MIN(inv.date_due), 'YYYY-MM-DD') AS detail
    FROM k
    JOIN account_invoice inv ON inv.team_id = k.team_id AND inv.type = 'out_invoice'
     AND inv.state = 'open' AND inv.date_due <= k.stop
    JOIN res_partner contact ON contact.id = inv.partner_id
    JOIN res_partner p ON p.id = contact.commercial_partner_id
    GROUP BY k.id, p.id
    UNION ALL
    SELECT k.id, p.display_name, 'No order',
           'Last order on ' || to_char(MAX(so.date_order)::date, 'YYYY-MM-DD')
    FROM k
    JOIN sale_order so ON so.team_id = k.team_id AND so.state IN ('sale', 'done')
     AND so.date_order <= k.stop
    JOIN res_partner contact ON contact.id = so.partner_id
    JOIN res_partner p ON p.id = contact.commercial_partner_id
    GROUP BY k.id, k.stop, p.id
    HAVING MAX(so.date_order)::date < k.stop - 7 * %%(weeks)s
       AND MAX(so.date_order)::date >= k.stop - 365
    UNION ALL
    SELECT k.id, COALESCE(p.display_name, '-'), 'Open complaint', m.name || ' ' || m.title
    FROM k
    JOIN sales_market_report m ON m.team_id = k.team_id AND m.is_complaint
     AND m.state IN ('new', 'acknowledged', 'in_progress')
    LEFT JOIN res_partner contact ON contact.id = m.partner_id
    LEFT JOIN res_partner p ON p.id = contact.commercial_partner_id
),
abnormal AS (
    SELECT a.id, COUNT(DISTINCT a.name) + (bool_or(a.name IS NULL))::int AS customers,
           '<table class="table table-condensed o_sales_abnormal"><thead><tr>'
           '<th>Customer</th><th>Why</th><th>Details</th></tr></thead><tbody>' || string_agg(
               '<tr><td>' || COALESCE(%(name)s, '') || '</td><td>' || a.why || '</td><td>'
               || %(detail)s || '</td></tr>', '' ORDER BY a.name) || '</tbody></table>' AS html
    FROM abnormal_rows a
    GROUP BY a.id
),
targets AS (
    SELECT k.id, l.metric,
           SUM(l.target_amount * %(overlap_days)s / GREATEST(%(line_days)s, 1)) AS week_target,
           COALESCE(SUM(l.target_amount) FILTER (WHERE k.stop BETWEEN l.date_from
                                                  AND l.date_to), 0) AS month_target,
           MIN(CASE l.metric WHEN 'sales' THEN fa.sales_week WHEN 'margin' THEN fa.margin_week
                    WHEN 'new_customers' THEN fa.new_customers_week
                    ELSE fa.collections_week END) AS week_actual,
           MIN(CASE l.metric WHEN 'sales' THEN fa.sales_month
                    WHEN 'margin' THEN fa.margin_month
                    WHEN 'new_customers' THEN fa.new_customers_month
                    ELSE fa.collections_month END) AS month_actual
    FROM k
    JOIN sales_target_line l ON l.team_id = k.team_id AND l.user_id IS NULL
     AND l.partner_id IS NULL AND l.categ_id IS NULL AND l.period_type = 'month'
     AND l.date_from <= k.stop AND l.date_to >= LEAST(k.start, k.month_start)
    LEFT JOIN fa ON fa.id = k.id
    GROUP BY k.id, l.metric
),
upd AS (
    UPDATE sales_weekly_report r
    SET sales_amount = fig.sales, new_customer_count = fig.new_customers::int,
        collection_amount = fig.collections, visit_planned = fig.planned,
        visit_done = fig.done, visit_effective = fig.effective,
        visit_with_order = fig.with_order,
        effective_rate = CASE WHEN fig.done <> 0 THEN 100.0 * fig.effective / fig.done
                              ELSE 0 END,
        transaction_rate = CASE WHEN fig.done <> 0 THEN 100.0 * fig.with_order / fig.done
                                ELSE 0 END,
        salesperson_count = fig.people,
        avg_sales_per_salesperson = CASE WHEN fig.people <> 0 THEN fig.sales / fig.people
                                         ELSE 0 END,
        reports_due = fig.due, reports_submitted = fig.submitted, reports_late = fig.late,
        reports_missing = GREATEST(fig.due - fig.submitted, 0),
        plans_approved = fig.approved, plans_first_time = fig.first_time,
        competitor_html = COALESCE(competitors.html, ''),
        abnormal_html = COALESCE(abnormal.html, ''),
        abnormal_count = COALESCE(abnormal.customers, 0),
        refreshed_at = now() AT TIME ZONE 'UTC',
        write_uid = %%(uid)s, write_date = now() AT TIME ZONE 'UTC'
    FROM fig
    LEFT JOIN competitors ON competitors.id = fig.id
    LEFT JOIN abnormal ON abnormal.id = fig.id
    WHERE r.id = fig.id
    RETURNING r.id
),
old_targets AS (
    DELETE FROM sales_weekly_report_target t WHERE t.weekly_report_id IN (SELECT id FROM k)
    RETURNING 1
),
new_targets AS (
    INSERT INTO sales_weekly_report_target (weekly_report_id, metric, week_target,
                                            week_actual, month_target, month_actual,
                                            create_uid, create_date, write_uid, write_date)
    SELECT id, metric, week_target, COALESCE(week_actual, 0), month_target,
           COALESCE(month_actual, 0), %%(uid)s, now() AT TIME ZONE 'UTC', %%(uid)s,
           now() AT TIME ZONE 'UTC'
    FROM targets
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM upd), (SELECT COUNT(*) FROM new_targets)
"""


def weekly_sql(kinds):
    return HAND_WRITTEN_WEEKLY % {
        "facts": reference_sql.facts(),
        "fact_sums": ", ".join(
            "COALESCE(SUM(f.%(m)s) FILTER (WHERE f.day >= k.start), 0) AS %(m)s_week, "
            "COALESCE(SUM(f.%(m)s) FILTER (WHERE f.day >= k.month_start), 0) AS %(m)s_month"
            % {"m": metric} for metric in ("sales", "margin", "new_customers", "collections")),
        "week_days": reference_sql.working_days("k.start", "k.stop"),
        "overlap_days": reference_sql.working_days("GREATEST(l.date_from, k.start)",
                                                   "LEAST(l.date_to, k.stop)"),
        "line_days": reference_sql.working_days("l.date_from", "l.date_to"),
        "competitor": _esc("r.competitor"), "kind": _esc("kind.label"),
        "title": _esc("COALESCE(r.title, '')"), "name": _esc("a.name"),
        "detail": _esc("a.detail"),
        "kinds": ", ".join("('%s', '%s')" % (key, label.replace("'", "''"))
                           for key, label in kinds)}


def hand_written_weekly(cr, sql, report_ids, weeks):
    """The refresh of ``report_ids`` by hand: one query for their teams and
    window, then one statement that computes every figure, the two HTML
    tables and the target lines, and writes them."""
    cr.execute("SELECT ARRAY_AGG(team_id), MIN(LEAST(week_start, date_trunc('month', "
               "week_start + 6)::date)), MAX(week_start) + 6 "
               "FROM sales_weekly_report WHERE id = ANY(%s)", (list(report_ids),))
    teams, start, stop = cr.fetchone()
    with jit_off(cr):
        cr.execute(sql, {"ids": list(report_ids), "teams": teams, "start": start,
                         "stop": stop, "weeks": weeks, "uid": odoo.SUPERUSER_ID})
        return cr.fetchone()


class _Cells(HTMLParser):
    """The text of the cells of an HTML table, row by row."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_rows(html, group_columns=0):
    """The body rows of an HTML table as sorted tuples; the first
    ``group_columns`` cells, shown on the first row of a group only, are
    copied to its other rows (so that rows compare whatever the order of the
    groups)."""
    parser = _Cells()
    parser.feed(html or "")
    rows, current = [], None
    for cells in parser.rows[1:]:
        if group_columns:
            if cells[0]:
                current = cells[:group_columns]
            cells = current + cells[group_columns:]
        rows.append(tuple(cells))
    return sorted(rows)


def weekly_snapshot(cr, report_ids):
    """What a refresh wrote: the figures, the rows of the two HTML tables
    (each row a key) and the target lines."""
    cr.execute("SELECT id, %s, competitor_html, abnormal_html FROM sales_weekly_report "
               "WHERE id = ANY(%%s)" % ", ".join(WEEKLY_FIGURES), (list(report_ids),))
    snapshot = {}
    for report_id, *values in cr.fetchall():
        snapshot[("report", report_id)] = [float(v or 0) for v in values[:-2]]
        for kind, html, group in (("competitor", values[-2], 2), ("abnormal", values[-1], 0)):
            for number, cells in enumerate(table_rows(html, group)):
                snapshot[(kind, report_id, number) + cells] = [1.0]
    cr.execute("SELECT weekly_report_id, metric, week_target, week_actual, month_target, "
               "month_actual FROM sales_weekly_report_target WHERE weekly_report_id = ANY(%s)",
               (list(report_ids),))
    for report_id, metric, *values in cr.fetchall():
        snapshot[("target", report_id, metric)] = [float(v or 0) for v in values]
    return snapshot


def measure_weekly(env, runs, monday):
    """4. The weekly reports of the week before ``monday``, as the Monday
    action makes them (no context): the first run (creates the reports), a
    re-run (refreshes them), ``_refresh()`` of one team's report and of all;
    the refreshes next to the hand-written SQL that computes and writes the
    same figures, HTML tables and target lines (checked equal; rolled back)."""
    cr = env.cr
    weekly = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["sales.weekly.report"]
    week = "%d-W%02d" % (monday - timedelta(days=7)).isocalendar()[:2]
    weeks = env.ref("base.main_company").sales_abnormal_weeks
    sql = weekly_sql(env["sales.market.report"]._fields["kind"].selection)
    reports = []

    def generate():
        reports.append(weekly._cron_generate(str(monday)))
    first = measure_rolled_back(env, runs, generate)
    generate()
    created = reports[-1]
    teams = len(created)
    checks = []
    for key, subset in (("one", created[:1]), ("all", created)):
        subset._refresh()
        found = weekly_snapshot(cr, subset.ids)
        hand_written_weekly(cr, sql, subset.ids, weeks)
        expected = weekly_snapshot(cr, subset.ids)
        checks.append(reference_sql.check(
            "weekly report `_refresh()`, %s (figures, HTML rows, target lines)" % (
                "1 team" if key == "one" else "all %d teams" % teams), expected, found))
    first_team = created[0].salesperson_count
    ids = created.ids
    cr.commit()  # the reports exist for the next measures; deleted at the end
    try:
        rerun = measure_rolled_back(env, runs, generate)
        one = measure_rolled_back(env, runs, lambda: weekly.browse(ids[:1])._refresh())
        every = measure_rolled_back(env, runs, lambda: weekly.browse(ids)._refresh())
        one_ref = measure_rolled_back(env, runs, lambda: hand_written_weekly(
            cr, sql, ids[:1], weeks))[0]
        all_ref = measure_rolled_back(env, runs, lambda: hand_written_weekly(
            cr, sql, ids, weeks))[0]
    finally:
        cr.rollback()
        cr.execute("DELETE FROM sales_weekly_report WHERE id = ANY(%s)", (ids,))
        cr.commit()
        env.clear()
    return [row("weekly_first", "weekly reports, Monday action %s for %s (all %d teams), "
                "first run: creates %d reports" % (monday, week, teams, teams), first,
                created=teams),
            row("weekly_rerun", "weekly reports, Monday action, re-run: refreshes the %d "
                "reports" % teams, rerun, all_ref),
            row("weekly_one", "weekly report `_refresh()`, 1 team (%d salespeople)"
                % first_team, one, one_ref),
            row("weekly_all", "weekly report `_refresh()`, all %d teams" % teams, every,
                all_ref)], checks


# ------------------------------------------------------------- 5. KPI

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


def measure_kpi(env, runs, days, today):
    """5. The report timeliness and quality KPI as the pivot reads it: by
    salesperson × month for the year, by team × week for a quarter; each next to
    a hand-written aggregate of the daily reports and plans (checked equal)."""
    cr = env.cr
    kpi = env["sales.report.kpi"]
    quarter = quarter_bounds(today)
    shapes = (("kpi_year", "salesperson × month, the year (%s to %s)" % (days[0], today),
               (str(days[0]), str(today)), "user_id", "month", "k.user_id"),
              ("kpi_quarter", "team × week, one quarter (%s to %s)" % quarter,
               (str(quarter[0]), str(quarter[1])), "team_id", "week", "u.sale_team_id"))
    rows, checks = [], []
    for key, label, (start, stop), field, unit, sql_key in shapes:
        domain = [("date", ">=", start), ("date", "<=", stop)]
        groupby = [field, "date:%s" % unit]
        params = {"unit": unit, "start": start, "stop": stop}

        def pivot(domain=domain, groupby=groupby, field=field):
            return kpi.read_group(domain, [field, "date"] + KPI_FIELDS, groupby, lazy=False)

        def reference(sql_key=sql_key, params=params):
            return hand_written_groups(cr, HAND_WRITTEN_KPI % sql_key, params)
        groups = pivot()  # not measured: fills the registry's caches
        found = {(group_key(g, field), group_period(g, start)):
                 [float(g[name] or 0) for name in KPI_SUMS] for g in groups}
        full_label = "KPI pivot read_group, %s: %d groups" % (label, len(groups))
        checks.append(reference_sql.check(full_label, reference(), found))
        rows.append(row(key, full_label, measure(env, runs, pivot),
                        measure(env, runs, reference)[0]))
    return rows, checks


# ------------------------------------------------------------- main


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
    parser.add_argument("--plain-data", action="store_true",
                        help="without what build_attribution adds (time zone, second "
                             "currency, invoices, category and distributor targets)")
    parser.add_argument("--build-only", action="store_true",
                        help="build and keep the database, measure nothing")
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the existing database --db (built the same day "
                             "with --build-only or --keep) instead of building one")
    parser.add_argument("--only", help="measure only these steps (comma-separated: "
                                       "efficiency, prefill, cron, weekly, kpi, "
                                       "suggestions)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()

    conf = write_conf(args.db)
    started = time.perf_counter()
    if not args.reuse:
        subprocess.run(["dropdb", "--if-exists", args.db], check=True)
        run_odoo_install(conf, args.db)
    odoo.tools.config.parse_config(["-c", str(conf), "-d", args.db])
    today = datetime.utcnow().date()
    days = working_days(args.days, today)
    failed = None
    with odoo.api.Environment.manage():
        registry = odoo.registry(args.db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            if not args.reuse:
                teams, salespeople = build_company(env, args)
                build_targets(env, teams, salespeople)
                if not args.plain_data:
                    build_attribution(env, salespeople, args.teams)
                build_daily_loop(env, teams, salespeople, days, today)
                cr.commit()
                if args.build_only:
                    return
            built = time.perf_counter() - started
            counts = {}
            for table in ("sales_visit_plan", "sales_visit", "sales_visit_expense",
                          "sales_daily_report", "sales_daily_report_target", "sale_order",
                          "sale_order_line", "account_payment", "sales_target_line",
                          "sales_visit_sale_order_rel", "sales_market_report",
                          "account_partial_reconcile"):
                cr.execute("SELECT count(*) FROM %s" % table)
                counts[table] = cr.fetchone()[0]
            load = os.getloadavg()[0]
            # The prefill of a full day a month back (the last days miss some
            # reports); the weekly reports of the Monday four weeks back (the week
            # before it is complete).
            monday = today - timedelta(days=today.weekday(), weeks=4)
            steps = {"efficiency": lambda: measure_efficiency(env, args.runs, days, today),
                     "prefill": lambda: measure_prefill(env, args.runs,
                                                        days[-min(22, len(days))]),
                     "cron": lambda: measure_cron(env, args.runs),
                     "weekly": lambda: measure_weekly(env, args.runs, monday),
                     "kpi": lambda: measure_kpi(env, args.runs, days, today),
                     "suggestions": lambda: measure_suggestions(env, args.runs, days[-1])}
            wanted = args.only.split(",") if args.only else list(steps)
            rows, checks = [], []
            try:
                for name in wanted:
                    step_rows, step_checks = steps[name]()
                    rows += step_rows
                    checks += step_checks
                    cr.rollback()
            except reference_sql.CheckFailed as error:
                failed = str(error)
            load = "%.1f before, %.1f after the measurements" % (load, os.getloadavg()[0])

    data = ("%d salespeople in %d teams, %d working days (%s to %s): %d visit plans, %d "
            "visits (%d linked to an order), %d visit expenses, %d daily reports (%d target "
            "lines), %d market reports; %d orders (%d lines) over two years, %d payments "
            "(%d reconciled with an invoice), %d target lines; %s" % (
                args.salespeople, args.teams, len(days), days[0], days[-1],
                counts["sales_visit_plan"], counts["sales_visit"],
                counts["sales_visit_sale_order_rel"], counts["sales_visit_expense"],
                counts["sales_daily_report"], counts["sales_daily_report_target"],
                counts["sales_market_report"], counts["sale_order"],
                counts["sale_order_line"], counts["account_payment"],
                counts["account_partial_reconcile"], counts["sales_target_line"],
                "measured on the existing database" if args.reuse
                else "built in %.0f s" % built))
    print("\nMachine: %s" % machine(load))
    print("Data: %s\n" % data)
    print_table(rows)
    print("\nChecks (hand-written SQL = operation, within 0.01):\n" + "\n".join(
        "- " + line for line in checks))
    write_json(args.json, {"script": "bench_daily_loop", "args": vars(args),
                           "machine": machine(load), "data": data, "rows": rows,
                           "checks": checks, "failed": failed})
    if not args.keep and not args.reuse:
        odoo.sql_db.close_all()
        subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    if failed:
        sys.exit("CHECK FAILED: " + failed)


if __name__ == "__main__":
    main()
