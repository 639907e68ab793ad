"""Run every benchmark in one go and print the tables of docs/BENCHMARKS.md.

    .venv/bin/python tests/benchmarks/run_all.py [--runs 5] [--out var/bench]
        [--salespeople 200 --teams 10] [--small-salespeople 50 --small-teams 5]

Offline (the local PostgreSQL only).  It runs, one after the other:

1. ``bench_target_actuals.py`` at the full size (default 200 salespeople in 10
   teams), then at the small size (50 in 5, one run: only its query counts are
   used);
2. ``bench_daily_loop.py`` at the full size, keeping its database, then
   ``bench_facts.py`` on that database (view or table), then drops it;
3. ``bench_daily_loop.py`` at the small size (one run, for the query counts).

Each script builds its own throw-away database (``spm_bench_*``), checks that
every hand-written SQL reference gives the same numbers as the operation it
stands next to, and writes its results as JSON into ``--out``.  This script
then prints one table per section: time, query count at both sizes (and
whether it is constant), the reference's time and the ratio, with the load
average before and after and the total time.  It exits with an error when a
script or a check fails.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AIM = 1.5  # the aim: at most 1.5 × the hand-written SQL

SECTIONS = (
    ("Target actuals", "targets", ("actuals_100", "actuals_1000", "actuals_all",
                                   "actuals_attribution", "pivot")),
    ("Efficiency analysis", "daily", ("eff_month", "eff_quarter", "eff_year")),
    ("Daily report prefill", "daily", ("prefill_min", "prefill_max", "prefill_20",
                                       "prefill_all")),
    ("Missing-report cron", "daily", ("cron_first", "cron_next")),
    ("Weekly reports", "daily", ("weekly_first", "weekly_rerun", "weekly_one", "weekly_all")),
    ("Report KPI", "daily", ("kpi_year", "kpi_quarter")),
    ("Suggestions", "daily", ("suggest_all", "suggest_one")),
)


def run(command, log):
    """Run a benchmark script, its output to ``log`` and to the terminal."""
    print("\n$ " + " ".join(str(part) for part in command), flush=True)
    with open(log, "w") as out:
        process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, cwd=ROOT)
        out.write(process.stdout)
    lines = [line for line in process.stdout.splitlines() if " INFO " not in line]
    print("\n".join(lines[-40:]))
    return process.returncode


def load(path):
    return json.loads(Path(path).read_text()) if Path(path).exists() else None


def per_document(rows, key):
    """Queries of a first run per document it creates, beyond the run that
    creates nothing (the cron's next run, the Monday action's re-run)."""
    row, base = rows.get(key), rows.get("cron_next" if key == "cron_first" else "weekly_rerun")
    if not row or not base or not row.get("created"):
        return None
    return (row["queries"] - base["queries"]) / row["created"]


def print_section(title, full, small, keys, sizes):
    print("\n### %s\n" % title)
    print("| operation | median time (s) | SQL queries (%s → %s) | constant | "
          "hand-written SQL (s) | ratio | ≤ %.1f |" % (sizes[1], sizes[0], AIM))
    print("| --- | ---: | ---: | :---: | ---: | ---: | :---: |")
    by_key = {row["key"]: row for row in (full or {}).get("rows", [])}
    small_by_key = {row["key"]: row for row in (small or {}).get("rows", [])}
    for key in keys:
        row = by_key.get(key)
        if not row:
            continue
        other = small_by_key.get(key)
        queries = "%s → %d" % (other["queries"] if other else "?", row["queries"])
        constant = "?" if not other else ("yes" if other["queries"] == row["queries"]
                                          else "no")
        if row.get("created"):
            constant = "per document"
        elif key == "actuals_all":
            constant = "per 1,000 lines" if other and other["queries"] != row[
                "queries"] else constant
        if row.get("reference"):
            ratio = row["seconds"] / row["reference"]
            tail = "%.3f | %.1f | %s" % (row["reference"], ratio,
                                         "yes" if ratio <= AIM else "**no**")
        else:
            tail = "– | – | –"
        print("| %s | %.3f | %s | %s | %s |" % (row["label"], row["seconds"], queries,
                                               constant, tail))
        if row.get("created"):
            print("| … queries per document created (reports, activities, messages), beyond "
                  "the %s | | %s | | | | |" % (
                      "next run" if key == "cron_first" else "re-run",
                      " → ".join("%.0f" % per for per in (
                          per_document(small_by_key, key), per_document(by_key, key))
                                 if per is not None)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--salespeople", type=int, default=200)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--small-salespeople", type=int, default=50)
    parser.add_argument("--small-teams", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench"),
                        help="folder of the JSON results and logs")
    parser.add_argument("--extra", default="",
                        help="more options for every script, e.g. '--days 40 --customers "
                             "500 --order-lines 8000 --payments 2000' for a quick check")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    extra = args.extra.split()
    # bench_target_actuals.py has no --days (no daily loop)
    extra_targets = [part for index, part in enumerate(extra)
                     if part != "--days" and not (index and extra[index - 1] == "--days")]
    started = time.perf_counter()
    load_before = os.getloadavg()
    full = ["--salespeople", str(args.salespeople), "--teams", str(args.teams)]
    small = ["--salespeople", str(args.small_salespeople), "--teams", str(args.small_teams),
             "--runs", "1"]
    steps = [
        ([python, HERE / "bench_target_actuals.py", *full, "--runs", str(args.runs),
          "--json", out / "targets.json", *extra_targets], out / "targets.log"),
        ([python, HERE / "bench_target_actuals.py", *small, "--db", "spm_bench_targets_small",
          "--json", out / "targets_small.json", *extra_targets], out / "targets_small.log"),
        ([python, HERE / "bench_daily_loop.py", *full, "--runs", str(args.runs), "--keep",
          "--json", out / "daily.json", *extra], out / "daily.log"),
        ([python, HERE / "bench_facts.py", "--db", "spm_bench_daily", "--runs",
          str(args.runs), "--json", out / "facts.json"], out / "facts.log"),
        (["dropdb", "--if-exists", "spm_bench_daily"], out / "dropdb.log"),
        ([python, HERE / "bench_daily_loop.py", *small, "--db", "spm_bench_daily_small",
          "--json", out / "daily_small.json", *extra], out / "daily_small.log"),
    ]
    failures = []
    for command, log in steps:
        if run(command, log):
            failures.append("%s (see %s)" % (" ".join(str(p) for p in command[1:3]), log))
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()

    results = {name: load(out / ("%s.json" % name)) for name in
               ("targets", "targets_small", "daily", "daily_small")}
    facts = load(out / "facts.json")
    sizes = ("%d salespeople / %d teams" % (args.salespeople, args.teams),
             "%d / %d" % (args.small_salespeople, args.small_teams))
    print("\n\n## Results\n")
    print("Date: %s UTC. Command: `.venv/bin/python tests/benchmarks/run_all.py%s`; total "
          "%.0f s (%.1f min)." % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
                                  "".join(" " + a for a in sys.argv[1:]), elapsed,
                                  elapsed / 60))
    print("Load average (1, 5, 15 min): %.1f, %.1f, %.1f before; %.1f, %.1f, %.1f after." % (
        *load_before, *load_after))
    for name in ("targets", "daily"):
        if results[name]:
            print("\n%s: Machine: %s.\nData: %s." % (name, results[name]["machine"],
                                                     results[name]["data"]))
    for title, name, keys in SECTIONS:
        print_section(title, results[name], results[name + "_small"], keys, sizes)
    if facts:
        print("\n### Facts: view or table\n")
        print("%d facts; the table's rebuild: %.2f s (CREATE TABLE AS) + %.2f s (three "
              "indexes and ANALYZE)\n" % (facts["facts"], facts["rebuild"], facts["indexes"]))
        print("| read | groups | from the view (s) | from the table (s) | view / table |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for row in facts["rows"]:
            print("| %s | %d | %.3f | %.3f | %.1f |" % (
                row["label"], row["groups"], row["view"], row["table"],
                row["view"] / row["table"]))
    print("\n### Checks\n")
    for name, result in results.items():
        if not result:
            continue
        for line in result["checks"]:
            print("- [%s] %s" % (name, line))
        if result.get("failed"):
            failures.append("[%s] %s" % (name, result["failed"]))
    if failures:
        sys.exit("\nFAILED:\n" + "\n".join(failures))


if __name__ == "__main__":
    main()
