"""Facts: a filterable view or a table? (not part of the test suite)

    .venv/bin/python tests/benchmarks/bench_facts.py --db spm_bench_daily [--runs 5]
        [--json FILE]

On a database that has the addon and data (the database kept by
``bench_daily_loop.py --keep``, or ``spm_generated`` of ``setup/generate-data``),
times three reads of the target facts, (a) from the addon's view
``sales_target_fact`` (a ``UNION ALL`` that conditions on the date, company,
team or salesperson reach the base tables) and (b) from a copy of the same
rows in a table indexed on (date), (user_id, date) and (team_id, date):

* a month by team and metric (what the weekly report reads);
* a month by salesperson and metric (what the daily report prefill reads);
* the year by salesperson, month and metric (what the efficiency analysis
  reads);

and the table's full rebuild (``CREATE TABLE ... AS SELECT * FROM
sales_target_fact``, then the indexes and ``ANALYZE``).  Both sources are
checked to give the same sums.  Everything runs in one transaction, rolled
back at the end; the JIT is off, as around the addon's queries.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg2

READS = (
    ("month_team", "a month by team (the weekly report's read)", """
        SELECT team_id, metric, SUM(amount) FROM {source}
        WHERE team_id = ANY(%(teams)s) AND date BETWEEN %(month_start)s AND %(month_stop)s
        GROUP BY team_id, metric"""),
    ("month_user", "a month by salesperson (the prefill's read)", """
        SELECT user_id, metric, SUM(amount) FROM {source}
        WHERE user_id = ANY(%(users)s) AND date BETWEEN %(month_start)s AND %(month_stop)s
        GROUP BY user_id, metric"""),
    ("year_user_month", "the year by salesperson × month (the efficiency analysis' read)", """
        SELECT user_id, date_trunc('month', date)::date, metric, SUM(amount) FROM {source}
        WHERE user_id IS NOT NULL AND date BETWEEN %(year_start)s AND %(year_stop)s
        GROUP BY 1, 2, 3"""),
)


def timed(cr, sql, params=None, runs=1):
    """Median time of ``runs`` executions of ``sql`` and its rows."""
    times, rows = [], None
    for _run in range(runs):
        start = time.perf_counter()
        cr.execute(sql, params)
        rows = cr.fetchall() if cr.description else None
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def measure(dbname, runs, today=None):
    """The reads from the view and from the table, and the rebuild."""
    today = today or date.today()
    month_stop = today.replace(day=1) - timedelta(days=1)
    params = {"month_start": month_stop.replace(day=1), "month_stop": month_stop,
              "year_start": today - timedelta(days=364), "year_stop": today}
    connection = psycopg2.connect(dbname=dbname)
    cr = connection.cursor()
    try:
        cr.execute("SET LOCAL jit = off")
        cr.execute("SELECT array_agg(id) FROM crm_team")
        params["teams"] = cr.fetchone()[0]
        cr.execute("SELECT array_agg(DISTINCT user_id) FROM sale_order")
        params["users"] = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM sales_target_fact")
        facts = cr.fetchone()[0]
        rebuild, _rows = timed(cr, "CREATE TABLE bench_fact_table AS "
                                   "SELECT * FROM sales_target_fact")
        indexes, _rows = timed(cr, """
            CREATE INDEX ON bench_fact_table (date);
            CREATE INDEX ON bench_fact_table (user_id, date);
            CREATE INDEX ON bench_fact_table (team_id, date);
            ANALYZE bench_fact_table""")
        rows = []
        for key, label, sql in READS:
            timed(cr, sql.format(source="sales_target_fact"), params)  # warm the caches
            timed(cr, sql.format(source="bench_fact_table"), params)
            view, view_rows = timed(cr, sql.format(source="sales_target_fact"), params, runs)
            table, table_rows = timed(cr, sql.format(source="bench_fact_table"), params, runs)
            expected = {tuple(r[:-1]): float(r[-1]) for r in view_rows}
            found = {tuple(r[:-1]): float(r[-1]) for r in table_rows}
            if set(expected) != set(found) or any(
                    abs(expected[k] - found[k]) > 0.01 for k in expected):
                sys.exit("CHECK FAILED: the table and the view differ for %s" % label)
            rows.append({"key": key, "label": label, "view": view, "table": table,
                         "groups": len(view_rows)})
    finally:
        connection.rollback()
        connection.close()
    return {"facts": facts, "rebuild": rebuild, "indexes": indexes, "rows": rows,
            "params": {k: str(v) for k, v in params.items() if k not in ("teams", "users")}}


def print_result(result):
    print("%d facts; table rebuild %.2f s (CREATE TABLE AS), indexes and ANALYZE %.2f s\n" % (
        result["facts"], result["rebuild"], result["indexes"]))
    print("| read | groups | from the view (s) | from the table (s) | view / table |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in result["rows"]:
        print("| %s | %d | %.3f | %.3f | %.1f |" % (row["label"], row["groups"], row["view"],
                                                   row["table"], row["view"] / row["table"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="spm_bench_daily")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    result = measure(args.db, args.runs)
    print_result(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
