"""Sales targets (R2): actuals from Odoo's records, decomposition, early warning,
bad input and access.  Every expected figure is worked out in the comments."""

from unittest.mock import patch

import pytest
from edition import VERSION, as_text, as_user, cancel_order, flush, forget, invalidate
from freezegun import freeze_time
from targets_scenario import Scenario, refused

from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.sales_process_mgmt.lib.split import split_exactly

MARCH = ("2026-03-01", "2026-03-31")
APRIL = ("2026-04-01", "2026-04-30")
Q1 = ("2026-01-01", "2026-03-31")
YEAR = ("2026-01-01", "2026-12-31")


@pytest.fixture
def s(env):
    return Scenario(env)


@pytest.fixture
def march_orders(s):
    """Alice: Shop X (served by the distributor) 2 tea at 100 (cost 60) and 1 bread
    at 50 (cost 20): sales 250, margin 2×40 + 30 = 110.  Bob: Shop Y 1 tea at 70:
    sales 70, margin 10.  A draft order of 1000 and an order in February of 40."""
    alice = s.order(s.alice, s.shop_x, "2026-03-10 03:00:00",
                    [(s.tea_product, 2, 100.0), (s.bread, 1, 50.0)])
    bob = s.order(s.bob, s.shop_y, "2026-03-12 03:00:00", [(s.tea_product, 1, 70.0)])
    s.order(s.alice, s.shop_y, "2026-03-20 03:00:00", [(s.bread, 20, 50.0)], confirm=False)
    february = s.order(s.carol, s.distributor, "2026-02-05 03:00:00", [(s.bread, 1, 40.0)])
    return {"alice": alice, "bob": bob, "february": february}


def test_sales_and_margin_actuals(s, march_orders):
    expected = [
        (s.line("sales", *MARCH), 320.0),
        (s.line("sales", *MARCH, team_id=s.north), 320.0),
        (s.line("sales", *MARCH, team_id=s.north, user_id=s.alice), 250.0),
        (s.line("sales", *MARCH, team_id=s.north, user_id=s.bob), 70.0),
        (s.line("sales", *MARCH, team_id=s.south), 0.0),
        (s.line("margin", *MARCH, team_id=s.north, user_id=s.alice), 110.0),
        (s.line("margin", *MARCH), 120.0),
        (s.line("sales", *Q1, team_id=s.north, user_id=s.alice), 250.0),
        (s.line("sales", *Q1), 360.0),
        (s.line("sales", *YEAR), 360.0),
        (s.line("sales", *APRIL), 0.0),
        # Drinks includes its sub-category Tea: 200 + 70.
        (s.line("sales", *MARCH, categ_id=s.drinks), 270.0),
        (s.line("sales", *MARCH, categ_id=s.tea), 270.0),
        (s.line("sales", *MARCH, categ_id=s.food), 50.0),
        (s.line("margin", *MARCH, team_id=s.north, user_id=s.alice, categ_id=s.food), 30.0),
    ]
    lines = s.env["sales.target.line"].concat(*[line for line, _ in expected])
    invalidate(lines)
    assert [(line.display_name, line.actual_amount) for line, _ in expected] == [
        (line.display_name, amount) for line, amount in expected]


def test_distributor_gets_its_customers_orders(s, march_orders):
    # Shop X is served by the distributor (250 in March); the distributor's own
    # order in February (40) counts too; Shop Y's order does not.
    march = s.line("sales", *MARCH, partner_id=s.distributor)
    quarter = s.line("sales", *Q1, partner_id=s.distributor)
    assert (march.actual_amount, quarter.actual_amount) == (250.0, 290.0)


def test_a_distributor_shows_its_achievement_of_the_month(s, march_orders):
    """The distributor's form: its sales of the running month (250, Shop X)
    against its own month line (1,000): 25 %; the quarter's line and the
    salespeople's lines of the distributor are other levels, not added in."""
    s.line("sales", *MARCH, target=1000.0, partner_id=s.distributor)
    s.line("sales", *Q1, target=9000.0, partner_id=s.distributor)
    s.line("sales", *MARCH, target=100.0, team_id=s.north, user_id=s.alice,
           partner_id=s.distributor)
    with freeze_time("2026-03-15 04:00:00"):
        invalidate(s.distributor)
        assert s.distributor.sales_target_rate == 25.0
        assert s.shop_x.sales_target_rate == 0.0
        action = s.distributor.action_sales_targets()
        lines = s.env["sales.target.line"].search(action["domain"])
        assert len(lines) == 3 and lines.mapped("partner_id") == s.distributor
        # The executive reads it too.
        assert as_user(s.distributor, s.executive).sales_target_rate == 25.0


def test_new_customers_on_their_first_confirmed_order(s, march_orders):
    # First orders: distributor in February (Carol), Shop X (Alice) and Shop Y (Bob)
    # in March; Shop Y orders again in April, which is not a new customer.
    s.order(s.bob, s.shop_y, "2026-04-02 03:00:00", [(s.bread, 1, 10.0)])
    assert s.line("new_customers", *MARCH).actual_amount == 2
    assert s.line("new_customers", *MARCH, team_id=s.north, user_id=s.alice).actual_amount == 1
    assert s.line("new_customers", *APRIL).actual_amount == 0
    assert s.line("new_customers", *Q1, team_id=s.south).actual_amount == 1


def test_collections_follow_the_invoices_salespeople(s, march_orders):
    invoice_alice = s.invoice(march_orders["alice"])  # 250
    invoice_bob = s.invoice(march_orders["bob"])  # 70
    # 100 paid on Alice's invoice; 220 paying the rest of both (150 Alice, 70 Bob);
    # an unreconciled 30 from Shop Y goes to its salesperson Bob.
    s.pay(s.shop_x, 100.0, "2026-04-03", invoice_alice)
    s.pay(s.shop_y, 220.0, "2026-04-10", invoice_alice | invoice_bob)
    s.pay(s.shop_y, 30.0, "2026-04-20")
    assert s.line("collections", *APRIL, team_id=s.north, user_id=s.alice).actual_amount == 250.0
    assert s.line("collections", *APRIL, team_id=s.north, user_id=s.bob).actual_amount == 100.0
    assert s.line("collections", *APRIL).actual_amount == 350.0
    assert s.line("collections", *APRIL, partner_id=s.distributor).actual_amount == 100.0
    assert s.line("collections", *MARCH).actual_amount == 0.0


def test_cancelling_or_changing_an_order_updates_the_actuals(s, march_orders):
    line = s.line("sales", *MARCH, team_id=s.north, user_id=s.alice)
    assert line.actual_amount == 250.0
    # Bread 1 -> 3 at its price of 50: +100 (Odoo 18 would price the new
    # quantity from the pricelist, 1.0, when the price is not given).
    march_orders["alice"].order_line[1].write({"product_uom_qty": 3, "price_unit": 50.0})
    invalidate(line)
    assert line.actual_amount == 350.0
    cancel_order(march_orders["alice"])
    invalidate(line)
    assert line.actual_amount == 0.0


def test_dates_are_local_to_the_company_time_zone(s):
    # 2026-03-31 16:30 UTC is 2026-04-01 00:30 in Shanghai: an April order.
    s.order(s.alice, s.shop_y, "2026-03-31 16:30:00", [(s.bread, 1, 10.0)])
    assert s.line("sales", *MARCH).actual_amount == 0.0
    assert s.line("sales", *APRIL).actual_amount == 10.0


def test_actuals_take_a_fixed_number_of_queries(s, march_orders):
    months = [("2026-%02d-01" % m, "2026-%02d-%02d" % (m, [31, 28, 31, 30, 31, 30, 31, 31, 30,
                                                         31, 30, 31][m - 1])) for m in range(1, 13)]
    few = s.env["sales.target.line"].concat(*[s.line("sales", *p) for p in months[:2]])
    many = s.env["sales.target.line"].concat(*[
        s.line(metric, *p, team_id=s.north, user_id=user)
        for metric in ("sales", "margin") for p in months for user in (s.alice, s.bob)])
    counts = []
    for lines in (few, many):
        flush(s.env)
        invalidate(lines)
        before = s.env.cr.sql_log_count
        lines.mapped("actual_amount")
        counts.append(s.env.cr.sql_log_count - before)
    # One aggregate for the actuals and one for the weighted pipeline (the
    # projection), the switches of PostgreSQL's JIT off and on around them,
    # and the reads of the lines and their plan: the same for 2 or 48.
    assert counts[0] == counts[1] <= 10


# ---------------------------------------------------------------- decomposition

def _decompose(line, dimension, method="even", weights=None):
    wizard = line.env["sales.target.decompose"].create(
        {"line_id": line.id, "dimension": dimension, "method": method})
    wizard._onchange_propose()
    if weights:
        for part, weight in zip(wizard.line_ids, weights, strict=True):
            part.weight = weight
    action = wizard.action_apply()
    return line.env["sales.target.line"].browse(action["domain"][0][2])


def test_year_into_months_evenly_adds_up_exactly(s):
    year = s.line("sales", *YEAR, target=1000.0)
    months = _decompose(year, "month")
    # 100000 cents / 12 = 8333 rest 4: the first four months get a cent more.
    assert months.mapped("target_amount") == [83.34] * 4 + [83.33] * 8
    assert round(sum(months.mapped("target_amount")), 2) == 1000.0
    assert as_text(months.mapped("date_from")[:2]) == ["2026-01-01", "2026-02-01"]
    assert set(months.mapped("period_type")) == {"month"}
    assert months.mapped("parent_id") == year


def test_year_into_quarters_then_a_quarter_into_months(s):
    quarters = _decompose(s.line("sales", *YEAR, target=100.0), "quarter")
    assert quarters.mapped("target_amount") == [25.0] * 4
    months = _decompose(quarters[0], "month")
    assert months.mapped("target_amount") == [8.34, 8.33, 8.33]


def test_team_into_salespeople_by_weights(s):
    team_line = s.line("sales", *YEAR, target=100.0, team_id=s.north)
    # The salespeople of North sorted by name, "T Alice", "T Bob"; its leader, the
    # supervisor, is not one of them.
    parts = _decompose(team_line, "user", "weights", weights=[1, 2])
    # 10000 cents × 1/3, 2/3 = 3333.33, 6666.67: the remainder cent to the second.
    assert [(p.user_id, p.target_amount) for p in parts] == [
        (s.alice, 33.33), (s.bob, 66.67)]
    assert set(parts.mapped("team_id")) == {s.north}


def test_new_customers_split_in_whole_numbers(s):
    team_line = s.line("new_customers", *YEAR, target=10.0, team_id=s.north)
    parts = _decompose(team_line, "user")
    assert parts.mapped("target_amount") == [5.0, 5.0]


def test_split_by_last_years_actuals(s):
    # 2025: Alice sold 300, Bob 100.
    s.order(s.alice, s.shop_x, "2025-05-10 03:00:00", [(s.bread, 3, 100.0)])
    s.order(s.bob, s.shop_y, "2025-06-10 03:00:00", [(s.bread, 1, 100.0)])
    team_line = s.line("sales", *YEAR, target=1000.0, team_id=s.north)
    parts = _decompose(team_line, "user", "last_year")
    assert [(p.user_id, p.target_amount) for p in parts] == [
        (s.alice, 750.0), (s.bob, 250.0)]
    quarters = _decompose(s.line("sales", *YEAR, target=400.0), "quarter", "last_year")
    # 2025: nothing in Q1 and Q3/Q4, all 400 in Q2.
    assert quarters.mapped("target_amount") == [0.0, 400.0, 0.0, 0.0]


def test_distributors_and_categories(s):
    distributors = _decompose(s.line("sales", *YEAR, target=90.0), "distributor")
    assert [(p.partner_id, p.target_amount, p.owner_type) for p in distributors] == [
        (s.distributor, 90.0, "distributor")]
    categories = _decompose(s.line("margin", *YEAR, target=10.0), "categ")
    assert set(categories.mapped("categ_id")) >= {s.drinks, s.food}
    assert round(sum(categories.mapped("target_amount")), 2) == 10.0


@pytest.mark.parametrize("total, weights, digits, expected", [
    (1000.0, [1] * 12, 2, [83.34] * 4 + [83.33] * 8),
    (100.0, [1, 2, 3], 2, [16.67, 33.33, 50.0]),
    (10.0, [1, 1, 1], 0, [4.0, 3.0, 3.0]),
    (5.0, [0, 0], 0, [3.0, 2.0]),
    (7.0, [0, 1], 0, [0.0, 7.0]),
])
def test_split_exactly(total, weights, digits, expected):
    assert split_exactly(total, weights, digits) == expected


# ---------------------------------------------------------------- early warning

@freeze_time("2026-03-16 10:00:00")
def test_status_against_the_projection(s, march_orders):
    # March 2026 has 22 working days; by Monday 16 March 11 have begun: 50 %.
    # The status compares the projection (sold + weighted pipeline of March)
    # with the target; threshold 20 %: at risk below 80 %, behind from 80 % to
    # 100 %.  Alice has an opportunity of 600 at 50 % closing in March (300).
    s.opportunity(s.alice, 600.0, 50, "2026-03-27")
    at_risk = s.line("sales", *MARCH, target=1000.0, team_id=s.north, user_id=s.alice)
    behind = s.line("sales", *MARCH, target=700.0, team_id=s.north)  # 620 / 700 = 88.6 %
    on_track = s.line("sales", *MARCH, target=500.0)  # 620 / 500 = 124 %
    later = s.line("sales", *APRIL, target=500.0)
    assert at_risk.expected_rate == 50.0
    # 250 sold, 25 %; 250 + 300 projected: 55 %.
    assert at_risk.achievement_rate == 25.0 and at_risk.projected_rate == 55.0
    assert [line.status for line in (at_risk, behind, on_track, later)] == [
        "at_risk", "behind", "on_track", "not_started"]
    lines = s.env["sales.target.line"]
    assert lines.search([("status", "in", ["behind", "at_risk"]),
                         ("target_id", "=", s.plan.id)]) == at_risk | behind


@freeze_time("2026-03-16 10:00:00")
def test_cron_warns_salesperson_and_supervisor_once(s, march_orders):
    # Alice: 250 of 1000 projected (no opportunity).  Bob: 70 + 100 × 50 % of
    # an opportunity closing in March = 120 of 100.
    s.opportunity(s.bob, 100.0, 50, "2026-03-30")
    behind = s.line("sales", *MARCH, target=1000.0, team_id=s.north, user_id=s.alice)
    on_track = s.line("sales", *MARCH, target=100.0, team_id=s.north, user_id=s.bob)
    warned = s.env["sales.target.line"]._cron_warn_behind()
    assert behind in warned and on_track not in warned
    activities = s.env["mail.activity"].search([
        ("res_model", "=", "sales.target.line"), ("res_id", "=", behind.id)])
    assert sorted(activities.mapped("user_id.login")) == ["t_alice", "t_sup_north"]
    assert activities[0].activity_type_id == s.env.ref(
        "sales_process_mgmt.mail_activity_type_target_behind")
    assert as_text(behind.warning_date) == "2026-03-16"
    s.env["sales.target.line"]._cron_warn_behind()
    assert s.env["mail.activity"].search_count([
        ("res_model", "=", "sales.target.line"), ("res_id", "=", behind.id)]) == 2
    assert not s.env["mail.activity"].search([
        ("res_model", "=", "sales.target.line"), ("res_id", "=", on_track.id)])


@freeze_time("2026-03-16 10:00:00")
def test_cron_computes_the_progress_once_whatever_the_lines_behind(s, march_orders):
    """Each activity the warning creates empties the cache (it subscribes its
    user); the summaries come from one computation of all the lines' progress,
    not one per line (a worker's time limit killed the action on a company's
    hundreds of lines)."""
    lines = s.env["sales.target.line"]
    for user in (s.alice, s.bob, s.carol):
        for metric in ("sales", "margin", "collections"):
            s.line(metric, *MARCH, target=100000.0, user_id=user)
    facts = type(s.env["sales.target.fact"])
    computed = []
    original = facts._line_actuals

    def counting(model, line_ids, *args, **kwargs):
        computed.append(len(line_ids))
        return original(model, line_ids, *args, **kwargs)

    with patch.object(facts, "_line_actuals", counting):
        warned = lines._cron_warn_behind().filtered(lambda line: line.target_id == s.plan)
    assert len(computed) == 1, computed
    assert len(warned) == 9
    summaries = s.env["mail.activity"].search([
        ("res_model", "=", "sales.target.line"), ("res_id", "in", warned.ids)]).mapped("summary")
    assert len(summaries) == 9 * 2 and all("% achieved" in text for text in summaries)


# ---------------------------------------------------------------- bad input

def test_negative_target_is_refused(s):
    with refused(s.env, ValidationError, match="cannot be negative"):
        s.line("sales", *MARCH, target=-1.0)


def test_period_outside_the_parent_is_refused(s):
    quarter = s.line("sales", *Q1, target=100.0)
    with refused(s.env, ValidationError, match="outside the period"):
        s.line("sales", *APRIL, target=10.0, parent_id=quarter)


def test_period_not_a_whole_month_is_refused(s):
    with refused(s.env, ValidationError, match="whole month, quarter or year"):
        s.line("sales", "2026-03-02", "2026-03-31")


def test_salesperson_outside_the_team_is_refused(s):
    with refused(s.env, ValidationError, match="not a member of the team South"):
        s.line("sales", *MARCH, team_id=s.south, user_id=s.alice)


def test_second_line_with_the_same_key_is_refused(s):
    s.line("sales", *MARCH, team_id=s.north, categ_id=s.tea)
    with refused(s.env, ValidationError, match="already a target"):
        s.line("sales", *MARCH, team_id=s.north, categ_id=s.tea, target=5.0)
    # Another metric, category or owner is another key.
    s.line("margin", *MARCH, team_id=s.north, categ_id=s.tea)
    s.line("sales", *MARCH, team_id=s.north)


def test_children_exceeding_the_parent_of_a_strict_plan_are_refused(s):
    parent = s.line("sales", *Q1, target=100.0)
    s.line("sales", "2026-01-01", "2026-01-31", target=60.0, parent_id=parent)
    with refused(s.env, ValidationError, match="add up to 110.00, more than its 100.00"):
        s.line("sales", "2026-02-01", "2026-02-28", target=50.0, parent_id=parent)
    # Lowering the parent below its children is refused too; a loose plan allows it.
    with refused(s.env, ValidationError, match="more than its"):
        parent.target_amount = 50.0
    s.plan.strict = False
    s.line("sales", "2026-02-01", "2026-02-28", target=50.0, parent_id=parent)


def test_deleting_a_line_with_children_is_refused(s):
    year = s.line("sales", *YEAR, target=120.0)
    months = _decompose(year, "month")
    with refused(s.env, UserError, match="is decomposed into other targets"):
        year.unlink()
    assert year.exists() and len(months.exists()) == 12
    (months | year).unlink()  # together, children first, is fine
    assert not year.exists()


def test_currency_of_another_company_is_refused(s):
    other = s.env["res.currency"].with_context(active_test=False).search(
        [("id", "!=", s.company.currency_id.id)], limit=1)
    with refused(s.env, ValidationError, match="currency of their company"):
        s.env["sales.target"].create({"name": "Wrong", "currency_id": other.id})


def test_category_for_collections_is_refused(s):
    with refused(s.env, ValidationError, match="Only sales amount and gross margin"):
        s.line("collections", *MARCH, categ_id=s.tea)


# ---------------------------------------------------------------- access

@pytest.fixture
def lines(s):
    return {
        "company": s.line("sales", *YEAR, target=1000.0),
        "north": s.line("sales", *YEAR, target=600.0, team_id=s.north),
        "south": s.line("sales", *YEAR, target=400.0, team_id=s.south),
        "alice": s.line("sales", *YEAR, target=300.0, team_id=s.north, user_id=s.alice),
        "bob": s.line("sales", *YEAR, target=300.0, team_id=s.north, user_id=s.bob),
        "carol": s.line("sales", *YEAR, target=400.0, team_id=s.south, user_id=s.carol),
    }


def _visible(s, user, names):
    return {name for name, line in names.items()
            if as_user(s.env["sales.target.line"], user).search([("id", "=", line.id)])}


def test_who_sees_which_targets(s, lines):
    assert _visible(s, s.alice, lines) == {"alice"}
    assert _visible(s, s.sup_north, lines) == {"north", "alice", "bob"}
    assert _visible(s, s.sup_south, lines) == {"south", "carol"}
    assert _visible(s, s.director, lines) == set(lines)
    assert _visible(s, s.executive, lines) == set(lines)


def test_salesperson_and_executive_cannot_change_targets(s, lines):
    for user in (s.alice, s.executive):
        with refused(s.env, AccessError):
            as_user(lines["alice"], user).write({"target_amount": 1.0})
        with refused(s.env, AccessError):
            as_user(s.env["sales.target.line"], user).create({
                "target_id": s.plan.id, "metric": "margin", "date_from": YEAR[0],
                "date_to": YEAR[1], "target_amount": 1.0})
    assert lines["alice"].target_amount == 300.0


def test_supervisor_decomposes_only_within_the_team(s, lines):
    months = _decompose(as_user(lines["alice"], s.sup_north), "month")
    assert len(months) == 12 and set(months.mapped("user_id")) == {s.alice}
    with refused(s.env, AccessError):
        _decompose(as_user(lines["carol"], s.sup_north), "month")
    with refused(s.env, AccessError):
        as_user(s.env["sales.target.line"], s.sup_north).create({
            "target_id": s.plan.id, "metric": "sales", "date_from": MARCH[0],
            "date_to": MARCH[1], "team_id": s.south.id, "target_amount": 1.0})


def test_analysis_rows_follow_the_same_rules(s, lines, march_orders):
    analysis = s.env["sales.target.analysis"]
    assert as_user(analysis, s.alice).search([]).mapped("line_id") == lines["alice"]
    rows = as_user(analysis, s.sup_north).read_group(
        [], ["user_id", "target_amount", "actual_amount"], ["user_id"], lazy=False)
    by_user = {row["user_id"] and row["user_id"][0]: (row["target_amount"], row["actual_amount"])
               for row in rows}
    assert by_user == {False: (600.0, 320.0), s.alice.id: (300.0, 250.0),
                       s.bob.id: (300.0, 70.0)}
    # Two rows per line, its target and its actual: 6 lines, 12 rows.
    assert len(as_user(analysis, s.director).search([("target_id", "=", s.plan.id)])) == 12


@freeze_time("2026-03-16 10:00:00")
def test_search_filters_of_the_targets_view(s, lines):
    """The view's own "This Month" and "My Team" filters, evaluated as the web client does."""
    import datetime

    from lxml import etree

    from odoo.tools.safe_eval import safe_eval

    month = s.line("sales", *MARCH, team_id=s.north, user_id=s.alice)
    arch = etree.fromstring(s.env.ref("sales_process_mgmt.sales_target_line_view_search").arch)

    def filtered(name, user):
        domain = arch.xpath("//filter[@name='%s']" % name)[0].get("domain")
        domain = safe_eval(domain, {"uid": user.id, "context_today": datetime.date.today})
        found = as_user(s.env["sales.target.line"], user).search(
            domain + [("target_id", "=", s.plan.id)])
        return found

    assert filtered("this_month", s.director) == month
    assert filtered("my_team", s.sup_north) == (
        lines["north"] | lines["alice"] | lines["bob"] | month)
    assert filtered("my_team", s.alice) == lines["alice"] | month


def test_actuals_of_more_lines_than_a_prefetch_batch_in_one_aggregate(s, march_orders,
                                                                     monkeypatch):
    """Odoo computes non-stored fields 1,000 records at a time; the actuals of
    1,001 lines still come from one aggregate, as those of 10 do, when they
    are read together (Odoo 11), when the addon looks for the lines behind
    (both), and per 1,000 read when Odoo 18's ORM iterates over more (it hands
    a compute at most 1,000 records, by design).  (The copies of one line are
    inserted in SQL: the check of one line per key is not the subject here.)"""
    alice = s.line("sales", *MARCH, team_id=s.north, user_id=s.alice)
    flush(s.env)
    s.env.cr.execute("""
        INSERT INTO sales_target_line (target_id, company_id, metric, date_from, date_to,
                                       period_type, team_id, user_id, owner_type,
                                       target_amount)
        SELECT target_id, company_id, metric, date_from, date_to, period_type, team_id,
               user_id, owner_type, target_amount
        FROM sales_target_line, generate_series(1, 1000) WHERE id = %s""", (alice.id,))
    all_lines = s.env["sales.target.line"].search([("user_id", "=", s.alice.id)])
    assert len(all_lines) == 1001
    aggregates = []
    execute = s.env.cr.execute

    def counting(query, *args, **kwargs):
        if "WITH line AS" in str(query):
            aggregates.append(query)
        return execute(query, *args, **kwargs)

    monkeypatch.setattr(s.env.cr, "execute", counting)
    for ids in (all_lines[:10].ids, all_lines.ids):
        forget(s.env)
        del aggregates[:]
        lines = s.env["sales.target.line"].browse(ids)
        assert set(lines.mapped("actual_amount")) == {250.0}
        # Two aggregates, the actuals and the pipeline, for each batch.
        assert len(aggregates) == 2 * (1 if VERSION < 13 else -(-len(ids) // 1000)), len(ids)
    forget(s.env)
    del aggregates[:]
    lines = s.env["sales.target.line"].browse(all_lines.ids)
    # 250 of 1,000 by 10 March and no opportunity: projected 25 %, below 80 %:
    # at risk.
    with freeze_time("2026-03-10 12:00:00"):
        assert len(lines._with_status(["at_risk"])) == 1001
    assert len(aggregates) == 2


def _wizard(line):
    return line.env["sales.target.decompose"].with_context(
        active_model="sales.target.line", active_id=line.id).create({"line_id": line.id})


def test_a_monthly_target_opens_the_decomposition_on_a_dimension_it_allows(s):
    """Decompose on a monthly company target: no error on opening, the wizard
    proposes the teams (a month splits into no shorter period) and says what
    the target splits into; a dimension it does not allow gives a warning."""
    month = s.line("sales", *MARCH, target=300.0)
    wizard = _wizard(month)
    assert wizard.dimension == "team"
    assert wizard.allowed_dimensions == "Teams / Regions, Distributors, Product Categories"
    assert wizard._onchange_propose() is None
    proposed = wizard.line_ids.mapped("team_id")
    assert s.north | s.south <= proposed
    # Only teams of the sales process (led by a supervisor, or with
    # salespeople): not a team of Odoo's alone.
    plain = s.env["crm.team"].create({"name": "Odoo team", "user_id": s.executive.id})
    wizard._onchange_propose()
    assert plain not in wizard.line_ids.mapped("team_id")
    wizard.dimension = "month"
    warning = wizard._onchange_propose()["warning"]
    assert warning["message"] == ("2026-03 · Sales Amount · Company splits into: "
                                  "Teams / Regions, Distributors, Product Categories.")
    assert not wizard.line_ids
    with refused(s.env, UserError, "splits into"):
        wizard.action_apply()


def test_each_level_opens_the_decomposition_on_its_first_dimension(s):
    cases = [
        (s.line("sales", *YEAR), "quarter"),
        (s.line("sales", *Q1, team_id=s.north), "month"),
        (s.line("sales", *MARCH, team_id=s.north), "user"),
        (s.line("new_customers", *MARCH, team_id=s.north, user_id=s.alice), "distributor"),
        (s.line("margin", *MARCH, partner_id=s.distributor), "categ"),
    ]
    assert [_wizard(line).dimension for line, _expected in cases] == [
        expected for _line, expected in cases]
    nothing = s.line("collections", *MARCH, partner_id=s.distributor)
    assert _wizard(nothing).allowed_dimensions == ""
