"""The analyses of the targets (pivot and graph), "Who Is Behind", the
efficiency analysis's default period, the decomposition wizard's proposals and
parts, and the title of a filed market report.  Every expected figure is
worked out in the comments."""

import pytest
from edition import VERSION, as_text, flush
from freezegun import freeze_time
from targets_scenario import Scenario, refused

from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.sales_process_mgmt.lib.text import first_line

MARCH = ("2026-03-01", "2026-03-31")
FEBRUARY = ("2026-02-01", "2026-02-28")
YEAR = ("2026-01-01", "2026-12-31")
LAST_YEAR_MARCH = ("2025-03-01", "2025-03-31")


@pytest.fixture
def s(env):
    return Scenario(env)


@pytest.fixture
def march(s):
    """Alice sells Shop X 2 tea at 100 and 1 bread at 50 (250), Bob sells Shop Y
    1 tea at 70: sales 320 in March, two new customers (Shop X and Shop Y).

    Targets of March: the company 1000 (sales) and 4 (new customers), North
    700 and South 300 (sales), Alice 400 (sales)."""
    s.order(s.alice, s.shop_x, "2026-03-10 03:00:00",
            [(s.tea_product, 2, 100.0), (s.bread, 1, 50.0)])
    s.order(s.bob, s.shop_y, "2026-03-12 03:00:00", [(s.tea_product, 1, 70.0)])
    lines = {
        "company": s.line("sales", *MARCH, target=1000.0),
        "customers": s.line("new_customers", *MARCH, target=4.0),
        "north": s.line("sales", *MARCH, target=700.0, team_id=s.north),
        "south": s.line("sales", *MARCH, target=300.0, team_id=s.south),
        "alice": s.line("sales", *MARCH, target=400.0, team_id=s.north, user_id=s.alice),
    }
    flush(s.env)
    return lines


def _groups(env, lines, fields, groupby, domain=()):
    analysis = env["sales.target.analysis"]
    ids = [line.id for line in lines.values()]
    if VERSION < 13:  # Odoo 11 wants the grouped fields among the fields read
        fields = fields + [name.split(":")[0] for name in groupby]
    return analysis.read_group([("line_id", "in", ids)] + list(domain), fields, groupby,
                               lazy=False)


def _figures(group):
    return (group["target_amount"], group["actual_amount"], group["achievement_rate"])


# ----------------------------------------------------------------- analysis

def test_achievement_per_metric_and_level_is_the_ratio_of_the_sums(s, march):
    # Sales of the company: 320 / 1000 = 32 %.  Sales of the teams: North 700
    # and South 300 add up to 1000, actual 320 + 0: 32 % (the sum of the
    # ratios would be 45.7 + 0).  Alice: 250 / 400 = 62.5 %.  New customers
    # of the company: 2 / 4 = 50 %.
    groups = _groups(s.env, march, ["target_amount", "actual_amount", "achievement_rate"],
                     ["metric", "owner_type"])
    got = {(g["metric"], g["owner_type"]): _figures(g) for g in groups}
    assert got == {
        ("sales", "company"): (1000.0, 320.0, 32.0),
        ("sales", "team"): (1000.0, 320.0, 32.0),
        ("sales", "salesperson"): (400.0, 250.0, 62.5),
        ("new_customers", "company"): (4.0, 2.0, 50.0),
    }


def test_no_total_adds_metrics_or_nested_levels(s, march):
    # The grand total would add 1000 + 4 + 700 + 300 + 400 (amounts, a count,
    # and the teams inside the company): it stays empty.  Sales alone still
    # nest the teams and Alice in the company: empty; new customers are of one
    # level: 4, 2, 50 %.
    fields = ["target_amount", "actual_amount", "achievement_rate", "gap_amount"]
    [total] = _groups(s.env, march, fields, [])
    assert (total["target_amount"], total["actual_amount"], total["achievement_rate"],
            total["gap_amount"]) == (False, False, False, False)
    by_metric = {g["metric"]: _figures(g) for g in _groups(s.env, march, fields, ["metric"])}
    assert by_metric == {"sales": (False, False, False), "new_customers": (4.0, 2.0, 50.0)}
    # The teams alone add up: 1000 against 320, gap -680.
    [teams] = _groups(s.env, march, fields, [], [("owner_type", "=", "team")])
    assert (_figures(teams), teams["gap_amount"]) == ((1000.0, 320.0, 32.0), -680.0)


def test_a_year_and_its_months_are_not_added(s, march):
    # A yearly company target of 12000 and the March one (1000) are of the same
    # metric and level but nest: their total stays empty.
    march["year"] = s.line("sales", *YEAR, target=12000.0)
    flush(s.env)
    [total] = _groups(s.env, march, ["target_amount"], [], [("owner_type", "=", "company"),
                                                            ("metric", "=", "sales")])
    assert total["target_amount"] is False


def test_graph_shows_target_and_actual_side_by_side(s, march):
    # The teams' sales of March: target 700 + 300 = 1000, actual 320.
    groups = _groups(s.env, march, ["amount"], ["date_from:month", "kind"],
                     [("owner_type", "=", "team")])
    assert sorted((g["kind"], g["amount"]) for g in groups) == [
        ("actual", 320.0), ("target", 1000.0)]
    graph = s.env.ref("sales_process_mgmt.sales_target_analysis_view_graph")
    assert 'name="kind"' in graph.arch and 'stacked="' in graph.arch


def test_pivot_opens_per_metric_and_level_without_undefined_rows(s, march):
    pivot = s.env.ref("sales_process_mgmt.sales_target_analysis_view_pivot").arch
    rows = [part.split('"')[1] for part in pivot.split("<field name=")[1:]
            if 'type="row"' in part.split(">")[0]]
    assert rows == ["metric", "owner_type"]
    for measure in ("target_amount", "actual_amount", "achievement_rate"):
        assert '<field name="%s" type="measure"/>' % measure in pivot
    # The helper columns are not offered as measures.
    assert not {"metric_min", "grain_max"} & set(s.env["sales.target.analysis"].fields_get())


@freeze_time("2026-03-16 10:00:00")
def test_running_period_filter(s, march):
    # On 16 March the March lines run; a February line does not.
    february = s.line("sales", *FEBRUARY, target=10.0)
    flush(s.env)
    rows = s.env["sales.target.analysis"].search([("running", "=", True)])
    assert february not in rows.mapped("line_id")
    assert march["company"] in rows.mapped("line_id")


# ------------------------------------------------------------- who is behind

@freeze_time("2026-03-16 10:00:00")
def test_who_is_behind_lists_only_the_running_targets_behind(s, march):
    # 16 March: 11 of March's 22 working days have begun, 50 % expected; the
    # plan's threshold is 20 %: a projection below 80 % of the target is at
    # risk, below 100 % behind.  Sales of March are 320, and Alice has an
    # opportunity of 300 at 50 % closing in March (150).  Projected: the
    # company 470 / 1000 = 47 % (at risk), North 470 / 700 = 67 % (at risk),
    # South 0 / 300 (at risk), Alice 400 / 400 = 100 % (on track), new
    # customers 2 at half of the month: 4 / 4 (on track).  February's target
    # of 1000 with no sale is at 0 % but its period is over: not behind now.
    # A yearly target of 100 with 320 sold is on track.
    s.opportunity(s.alice, 300.0, 50, "2026-03-24")
    february = s.line("sales", *FEBRUARY, target=1000.0)
    year = s.line("sales", *YEAR, target=100.0)
    flush(s.env)
    action = s.env.ref("sales_process_mgmt.sales_target_line_action_behind")
    domain = safe_eval(action.domain)
    found = s.env["sales.target.line"].search(domain + [("target_id", "=", s.plan.id)])
    assert found == march["company"] | march["north"] | march["south"]
    assert february.status == "at_risk" and not february.behind_now
    assert not year.behind_now and march["north"].behind_now
    # Its list adds no figures of different units: no total under a column.
    arch = s.env.ref("sales_process_mgmt.sales_target_line_view_tree_behind").arch
    assert "sum=" not in arch and action.view_id.arch == arch
    assert "sum=" not in s.env.ref("sales_process_mgmt.sales_target_line_view_tree").arch


# ------------------------------------------------------------ decomposition

def _wizard(line, dimension, method="even"):
    wizard = line.env["sales.target.decompose"].create(
        {"line_id": line.id, "dimension": dimension, "method": method})
    wizard._onchange_propose()
    return wizard


def test_decomposition_proposes_only_the_teams_of_the_sales_process(s):
    # Odoo's own teams: "America" led by the director (a director is a
    # supervisor too) and "Europe" with the director as member, no
    # salesperson: neither takes part in the sales process.
    america = s.env["crm.team"].create({"name": "America", "user_id": s.director.id})
    europe = s.env["crm.team"].create({"name": "Europe"})
    s.director.sale_team_id = europe
    wizard = _wizard(s.line("sales", *MARCH, target=300.0), "team")
    proposed = wizard.line_ids.mapped("team_id")
    assert s.north | s.south <= proposed
    assert not (america | europe) & proposed


def test_decomposition_by_last_year_gives_no_negative_part(s):
    """The case of the -1,414 %: margins of last year of opposite signs.

    March 2025: Alice (North) sells 10 bread at 120 (cost 20): margin 1000;
    Carol (South) sells 31 tea at 30 (cost 60): margin -930.  In proportion to
    1000 and -930 (sum 70), a target of 700 would give North 10,000 (1,428 %
    of the target) and South -9,300.  A part whose actual was below zero gets
    no share: North 1000, South 0, so North 700 and South 0."""
    s.order(s.alice, s.shop_x, "2025-03-10 03:00:00", [(s.bread, 10, 120.0)])
    s.order(s.carol, s.distributor, "2025-03-11 03:00:00", [(s.tea_product, 31, 30.0)])
    flush(s.env)
    wizard = _wizard(s.line("margin", *MARCH, target=700.0), "team", "last_year")
    weights = {part.team_id: part.weight for part in wizard.line_ids}
    assert (weights[s.north], weights[s.south]) == (1000.0, 0.0)
    assert min(wizard.line_ids.mapped("weight")) >= 0
    children = s.env["sales.target.line"].browse(wizard.action_apply()["domain"][0][2])
    amounts = {child.team_id: child.target_amount for child in children}
    assert (amounts[s.north], amounts[s.south]) == (700.0, 0.0)
    assert min(children.mapped("target_amount")) >= 0


def test_decomposition_refuses_a_negative_weight_and_no_weight(s):
    # Weights 3 and -1 would split 100 into 150 and -50.
    line = s.line("sales", *MARCH, target=100.0, team_id=s.north)
    wizard = _wizard(line, "user", "weights")
    wizard.line_ids[0].weight, wizard.line_ids[1].weight = 3.0, -1.0
    with refused(s.env, UserError, "A weight cannot be below zero"):
        wizard.action_apply()
    wizard.line_ids.write({"weight": 0.0})
    with refused(s.env, UserError, "at least one part a weight above zero"):
        wizard.action_apply()
    assert not line.child_ids
    # Nothing sold in March 2025: by last year's actuals there is nothing to go by.
    with refused(s.env, UserError, "Nothing was achieved in the same period last year"):
        _wizard(line, "user", "last_year").action_apply()


# ------------------------------------------------------- market report title

WORD = "buy-two-get-one-free-promotion-in-all-supermarkets-of-pudong-district"  # 69


@pytest.mark.parametrize("description, title", [
    # 18 characters, then a word of 69: cut at 79 characters it would end in
    # "buy-two-get-one-free-promotion-in-al"; it ends before the word instead.
    ("Huaxin promotion: " + WORD, "Huaxin promotion…"),
    # 50 Chinese characters, then an English word of 32 with no space: the cut
    # comes after the Chinese text, not inside the word.
    ("茶" * 50 + "Jasmine-green-tea-promotion-2026", "茶" * 50 + "…"),
    # Chinese alone: 79 characters and the ellipsis (80 in all).
    ("促销" * 50, ("促销" * 40)[:79] + "…"),
    # The 79th character ends a word and a space follows: the word is kept.
    ("a" * 70 + " Shanghai and more", "a" * 70 + " Shanghai…"),
    # One word longer than the title: cut between two characters.
    ("x" * 100, "x" * 79 + "…"),
    # Short: kept whole, spaces made single; the first non-blank line.
    ("\n  Broken   cartons \nsecond line", "Broken cartons"),
])
def test_market_report_title_ends_at_a_word_boundary(description, title):
    assert first_line(description) == title
    assert len(title) <= 80


def test_filed_market_report_title_is_the_first_line_cut_at_a_word(env):
    line = env["sales.daily.report.market"].new({
        "description": "Huaxin promotion: " + WORD + "\nDetails follow."})
    assert line._prepare_market_report()["title"] == "Huaxin promotion…"


# --------------------------------------------------------------- efficiency

@freeze_time("2026-03-18 10:00:00")
def test_efficiency_opens_on_the_last_four_weeks_with_data(s):
    """Wednesday 18 March 2026.  Alice sold on Monday 5 January and on Tuesday
    10 March; her target of March (2200) gives a share to each working day of
    March, today's week and the weeks after included.  The last activity is
    in the week of 9 March: the four weeks are 16 February to 15 March.  By
    week: those of 2 and 9 March (the target's days, the order); not January,
    not the week of 16 March (the target's share alone), not a week to come."""
    s.order(s.alice, s.shop_x, "2026-01-05 03:00:00", [(s.bread, 1, 50.0)])
    s.order(s.alice, s.shop_x, "2026-03-10 03:00:00", [(s.bread, 2, 50.0)])
    s.line("sales", *MARCH, target=2200.0, team_id=s.north, user_id=s.alice)
    flush(s.env)
    action = s.env.ref("sales_process_mgmt.sales_efficiency_report_action")
    assert "'search_default_recent': 1" in action.context
    analysis = s.env["sales.efficiency.report"]
    fields = ["sales_amount", "target_amount"]
    if VERSION < 13:
        fields.append("date")
    weeks = analysis.read_group([("recent", "=", True), ("user_id", "=", s.alice.id)],
                                fields, ["date:week"], lazy=False)
    # The week of 2 March: 5 working days × 100 (2200 / 22); of 9 March: 500
    # and the order of 100.
    assert [(g["sales_amount"], g["target_amount"]) for g in weeks] == [
        (0.0, 500.0), (100.0, 500.0)]
    rows = analysis.search([("user_id", "=", s.alice.id)])
    assert as_text(min(rows.filtered("recent").mapped("date"))) == "2026-03-02"
    assert len(analysis.search([("recent", "!=", True), ("user_id", "=", s.alice.id)])) == (
        # 5 January, and the 12 working days of March from the 16th (16 to 20,
        # 23 to 27, 30 and 31).
        1 + 12)


def test_a_list_of_targets_adds_no_amounts_and_counts_together(s, march):
    # Grouped by team: the company's group (no team) holds the sales target
    # 1000 and the new customers target 4: no total; North holds 700 and
    # Alice's 400, both sales: 1100; South 300.  Grouped by metric: sales
    # 1000 + 700 + 300 + 400 = 2400, new customers 4.
    lines = s.env["sales.target.line"]
    domain = [("target_id", "=", s.plan.id)]
    fields = ["target_amount"] + (["team_id"] if VERSION < 13 else [])
    by_team = {g["team_id"] and g["team_id"][0]: g["target_amount"]
               for g in lines.read_group(domain, fields, ["team_id"])}
    assert by_team == {False: False, s.north.id: 1100.0, s.south.id: 300.0}
    fields = ["target_amount"] + (["metric"] if VERSION < 13 else [])
    by_metric = {g["metric"]: g["target_amount"]
                 for g in lines.read_group(domain, fields, ["metric"])}
    assert by_metric == {"sales": 2400.0, "new_customers": 4.0}
