"""The forecast of the targets: each line's projected period-end figure (sales:
the actual plus the weighted pipeline of the open opportunities expected to
close in the period; the other metrics and category lines: the run rate),
the status and the early warning from it, the projected measure of the
achievement pivot, and the fixed number of queries.  Every expected figure is
worked out in the comments.

16 March 2026 is a Monday: 11 of March's 22 working days have begun (50 %).
The plan's threshold is 20 %: a line projected below 100 % is behind, below
80 % at risk."""

from datetime import date, datetime, timedelta

import pytest
import pytz
from edition import VERSION, flush, invalidate
from freezegun import freeze_time
from targets_scenario import Scenario

from odoo.addons.sales_process_mgmt.lib import dates

MARCH = ("2026-03-01", "2026-03-31")
TODAY = "2026-03-16 10:00:00"


@pytest.fixture
def s(env):
    return Scenario(env)


@pytest.fixture
def pipeline(s):
    """Alice sold 300 in March (6 bread at 50, cost 20: margin 180).  Her
    opportunities: 400 at 50 % and 1000 at 10 % closing in March (200 + 100),
    5000 at 50 % closing in April, 3000 at 50 % in March but lost, 800 at 60 %
    in March but won.  Bob sold 70 (1 tea) and has 500 at 40 % closing in
    March (200).  Carol (South) has 1000 at 50 % closing in March (500)."""
    s.order(s.alice, s.shop_x, "2026-03-10 03:00:00", [(s.bread, 6, 50.0)])
    s.order(s.bob, s.shop_y, "2026-03-12 03:00:00", [(s.tea_product, 1, 70.0)])
    s.opportunity(s.alice, 400.0, 50, "2026-03-25")
    s.opportunity(s.alice, 1000.0, 10, "2026-03-31")
    s.opportunity(s.alice, 5000.0, 50, "2026-04-10")
    s.opportunity(s.alice, 3000.0, 50, "2026-03-20").action_set_lost()
    s.opportunity(s.alice, 800.0, 60, "2026-03-27").action_set_won()
    s.opportunity(s.bob, 500.0, 40, "2026-03-28")
    s.opportunity(s.carol, 1000.0, 50, "2026-03-30")
    flush(s.env)


@freeze_time(TODAY)
def test_salesperson_projection_adds_the_weighted_pipeline_of_the_period(s, pipeline):
    # 300 sold + 400 × 50 % + 1000 × 10 % = 600 of 1000: 60 %.  The opportunity
    # closing in April, the lost one and the won one do not count.
    line = s.line("sales", *MARCH, target=1000.0, team_id=s.north, user_id=s.alice)
    assert (line.actual_amount, line.achievement_rate) == (300.0, 30.0)
    assert (line.projected_amount, line.projected_rate) == (600.0, 60.0)
    # 60 % is below 80 %: at risk, and behind now.
    assert line.status == "at_risk" and line.behind_now


@freeze_time(TODAY)
def test_overdue_opportunities_of_the_period_still_count(s, pipeline):
    # An open opportunity expected on 5 March, still open on the 16th: the
    # salesperson still expects it in March (600 + 200 × 50 % = 700).  One
    # expected in February counts for February, not for March.
    s.opportunity(s.alice, 200.0, 50, "2026-03-05")
    s.opportunity(s.alice, 900.0, 50, "2026-02-20")
    line = s.line("sales", *MARCH, target=1000.0, team_id=s.north, user_id=s.alice)
    assert line.projected_amount == 700.0


@freeze_time(TODAY)
def test_team_and_company_lines_add_their_members_pipeline(s, pipeline):
    # North: sold 300 + 70, pipeline Alice 300 + Bob 200: 870 of 1000, 87 %
    # (behind: from 80 % to 100 %).  South: Carol's 500 of 400: on track.
    # The company: 370 + 300 + 200 + 500 = 1370.
    north = s.line("sales", *MARCH, target=1000.0, team_id=s.north)
    south = s.line("sales", *MARCH, target=400.0, team_id=s.south)
    company = s.line("sales", *MARCH, target=2000.0)
    assert (north.projected_amount, north.projected_rate, north.status) == (
        870.0, 87.0, "behind")
    assert (south.projected_amount, south.status) == (500.0, "on_track")
    assert company.projected_amount == 1370.0
    # A distributor's line: the opportunities of the customers it serves, as
    # their orders.  Alice's 300 went to Shop X, served by Dist Co; the
    # opportunities above are Shop Y's (no distributor); one of 600 at 50 %
    # on Shop X counts for it: 300 + 300 = 600.
    s.opportunity(s.alice, 600.0, 50, "2026-03-26", partner=s.shop_x)
    distributor = s.line("sales", *MARCH, target=1000.0, partner_id=s.distributor)
    assert (distributor.actual_amount, distributor.projected_amount) == (300.0, 600.0)


@freeze_time(TODAY)
def test_other_metrics_and_categories_project_their_run_rate(s, pipeline):
    # Half of March's working days have begun: Alice's margin 180 runs at
    # 180 / 50 % = 360 of 400, 90 %: behind.  Her sales of Food (a category,
    # which opportunities do not have): 300 / 50 % = 600 of 500, on track;
    # her pipeline is not added to it.  A new customer (Shop X, her first
    # order) runs at 2 of 2: on track.
    margin = s.line("margin", *MARCH, target=400.0, team_id=s.north, user_id=s.alice)
    food = s.line("sales", *MARCH, target=500.0, team_id=s.north, user_id=s.alice,
                  categ_id=s.food)
    customers = s.line("new_customers", *MARCH, target=2.0, team_id=s.north,
                       user_id=s.alice)
    assert (margin.actual_amount, margin.expected_rate) == (180.0, 50.0)
    assert (margin.projected_amount, margin.projected_rate, margin.status) == (
        360.0, 90.0, "behind")
    assert (food.projected_amount, food.status) == (600.0, "on_track")
    assert (customers.projected_amount, customers.status) == (2.0, "on_track")


def test_ended_and_future_periods(s, pipeline):
    # On 2 April March is over: its projection is its actual (300 of 1000,
    # at risk), and its pipeline no longer counts.  April has not begun on
    # 16 March: not started, its projection is the opportunity of 5000 at
    # 50 % expected in April.
    march = s.line("sales", *MARCH, target=1000.0, team_id=s.north, user_id=s.alice)
    april = s.line("sales", "2026-04-01", "2026-04-30", target=1000.0, team_id=s.north,
                   user_id=s.alice)
    with freeze_time("2026-04-02 10:00:00"):
        invalidate(march)
        assert (march.projected_amount, march.status, march.behind_now) == (
            300.0, "at_risk", False)
    with freeze_time(TODAY):
        invalidate(april)
        assert (april.projected_amount, april.status) == (2500.0, "not_started")


@freeze_time(TODAY)
def test_status_and_warning_follow_the_projection(s, pipeline):
    # Bob's 70 of 100 is above the 50 % expected by now, but projects to 70 %
    # without his opportunity: it is his opportunity of 200 that puts him on
    # track (270 %).  Alice sold more (300 of 1000, 30 %) but projects to
    # 60 %: at risk.
    bob = s.line("sales", *MARCH, target=100.0, team_id=s.north, user_id=s.bob)
    alice = s.line("sales", *MARCH, target=1000.0, team_id=s.north, user_id=s.alice)
    assert (bob.projected_rate, bob.status) == (270.0, "on_track")
    warned = s.env["sales.target.line"]._cron_warn_behind()
    assert alice in warned and bob not in warned
    summaries = s.env["mail.activity"].search([
        ("res_model", "=", "sales.target.line"), ("res_id", "=", alice.id)]).mapped("summary")
    assert summaries == ["Behind target: projected 60% of target (30% achieved)"] * 2
    # Lost, Bob's opportunity no longer carries him: 70 %, at risk.
    s.env["crm.lead"].search([("user_id", "=", s.bob.id)]).action_set_lost()
    flush(s.env)
    invalidate(bob)
    assert (bob.projected_rate, bob.status) == (70.0, "at_risk")
    assert bob in s.env["sales.target.line"].search([("behind_now", "=", True)])


@freeze_time(TODAY)
def test_projection_takes_a_fixed_number_of_queries(s, pipeline):
    # The projection of 2 lines or of 50 lines: the same queries (one
    # aggregate for the actuals, one for the pipeline).
    few = s.env["sales.target.line"].concat(
        s.line("sales", *MARCH), s.line("sales", *MARCH, team_id=s.north))
    months = [("2026-%02d-01" % m, dates.add_months(date(2026, m, 1), 1) - timedelta(days=1))
              for m in range(1, 13)]
    many = s.env["sales.target.line"].concat(*[
        s.line(metric, start, str(end), team_id=s.north, user_id=user)
        for metric in ("sales", "margin") for start, end in months
        for user in (s.alice, s.bob)])
    many |= few
    counts = []
    for lines in (few, many):
        flush(s.env)
        invalidate(lines)
        before = s.env.cr.sql_log_count
        lines.mapped("projected_amount")
        counts.append(s.env.cr.sql_log_count - before)
    assert counts[0] == counts[1], counts
    # The company: 370 sold + 300 + 200 + 500 expected.
    assert few[0].projected_amount == 1370.0


# ------------------------------------------------------------- the pivot

def _this_month():
    """The running month in the company's time zone (Asia/Shanghai), which
    the view reads its today in."""
    start = datetime.now(pytz.timezone("Asia/Shanghai")).date().replace(day=1)
    return start, dates.add_months(start, 1) - timedelta(days=1)


def test_pivot_projection_is_the_lines_and_mixed_groups_stay_empty(s):
    """The pivot's view reads the database's today: the lines are of the
    running month.  Alice sells 300 on its first day and has 400 at 50 %
    expected on the first day (overdue but in the month) and 1000 at 10 %
    on its last day (200 + 100); next month's 5000 does not count."""
    start, end = _this_month()
    s.plan = s.env["sales.target"].create({
        "name": "Plan %s" % start.year, "date_from": "%s-01-01" % start.year,
        "date_to": "%s-12-31" % start.year})
    s.order(s.alice, s.shop_x, "%s 03:00:00" % start, [(s.bread, 6, 50.0)])
    s.opportunity(s.alice, 400.0, 50, str(start))
    s.opportunity(s.alice, 1000.0, 10, str(end))
    s.opportunity(s.alice, 5000.0, 50, str(end + timedelta(days=1)))
    lines = {
        "alice": s.line("sales", str(start), str(end), target=1000.0, team_id=s.north,
                        user_id=s.alice),
        "bob": s.line("sales", str(start), str(end), target=500.0, team_id=s.north,
                      user_id=s.bob),
        "margin": s.line("margin", str(start), str(end), target=400.0, team_id=s.north,
                         user_id=s.alice),
    }
    flush(s.env)
    analysis = s.env["sales.target.analysis"]
    measures = ["target_amount", "actual_amount", "projected_amount", "projected_rate"]

    def groups(groupby, domain=()):
        ids = [line.id for line in lines.values()]
        extra = list(groupby) if VERSION < 13 else []
        return analysis.read_group([("line_id", "in", ids)] + list(domain),
                                   measures + extra, groupby, lazy=False)

    # The salespeople's sales: 1500 of target, 300 sold, 600 projected (Bob
    # projects his actual, 0): 40 %, the ratio of the sums.
    [sales] = groups([], [("metric", "=", "sales")])
    assert (sales["target_amount"], sales["actual_amount"], sales["projected_amount"],
            sales["projected_rate"]) == (1500.0, 300.0, 600.0, 40.0)
    by_user = {g["user_id"][0]: g["projected_amount"]
               for g in groups(["user_id"], [("metric", "=", "sales")])}
    assert by_user == {s.alice.id: 600.0, s.bob.id: 0.0}
    # Sales and margin together are not added: empty.
    [total] = groups([])
    assert (total["projected_amount"], total["projected_rate"]) == (False, False)
    # The margin's run rate is the line's own (the same working days).
    [margin] = groups([], [("metric", "=", "margin")])
    # (Read in the company's time zone, as the view's today.)
    local = {name: line.with_context(tz="Asia/Shanghai") for name, line in lines.items()}
    invalidate(lines["margin"])
    assert margin["projected_amount"] == pytest.approx(local["margin"].projected_amount)
    assert local["alice"].projected_amount == 600.0
