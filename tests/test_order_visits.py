"""The order and the visit it came from (R2, R5): found when the order is
confirmed (the salesperson's visit to the customer on the order's day, in the
salesperson's time zone), or chosen on the order; shown on both.  Alice works
in Shanghai (UTC+8)."""

import pytest
from edition import as_user, flush, invalidate
from freezegun import freeze_time
from targets_scenario import Scenario

DAY = "2026-03-10"


@pytest.fixture
def s(env):
    s = Scenario(env)
    s.alice.tz = s.bob.tz = "Asia/Shanghai"
    s.plan = as_user(env["sales.visit.plan"], s.alice).create({"date": DAY, "visit_ids": [
        (0, 0, {"partner_id": s.shop_x.id, "purpose": "order",
                "planned_start": "%s 01:00:00" % DAY, "planned_stop": "%s 02:00:00" % DAY})]})
    s.visit = s.plan.visit_ids
    return s


def confirm_at(s, user, partner, moment):
    order = s.order(user, partner, moment, [(s.bread, 2, 50.0)], confirm=False)
    with freeze_time(moment):
        as_user(order, user).action_confirm()
    flush(s.env)
    invalidate(order)
    return order


def test_an_order_confirmed_on_the_day_of_the_visit_comes_from_it(s):
    # 23:30 UTC on 9 March is 07:30 on 10 March in Shanghai.
    order = confirm_at(s, s.alice, s.shop_x, "2026-03-09 23:30:00")
    assert order.sales_visit_ids == s.visit
    invalidate(s.visit)
    assert order in s.visit.order_ids
    s.visit.state = "done"
    assert s.visit.is_effective


def test_other_days_other_salespeople_and_chosen_visits_are_left_alone(s):
    next_day = confirm_at(s, s.alice, s.shop_x, "2026-03-10 16:30:00")  # 00:30 on the 11th
    assert not next_day.sales_visit_ids
    bobs = confirm_at(s, s.bob, s.shop_x, "2026-03-10 03:00:00")
    assert not bobs.sales_visit_ids
    other_plan = as_user(s.env["sales.visit.plan"], s.alice).create({
        "date": "2026-03-09", "visit_ids": [
            (0, 0, {"partner_id": s.shop_x.id, "purpose": "order",
                    "planned_start": "2026-03-09 01:00:00",
                    "planned_stop": "2026-03-09 02:00:00"})]})
    chosen = s.order(s.alice, s.shop_x, "2026-03-10 03:00:00", [(s.bread, 1, 10.0)],
                     confirm=False)
    as_user(chosen, s.alice).sales_visit_ids = other_plan.visit_ids
    with freeze_time("2026-03-10 03:00:00"):
        as_user(chosen, s.alice).action_confirm()
    invalidate(chosen)
    assert chosen.sales_visit_ids == other_plan.visit_ids


def test_the_visit_found_is_the_salespersons_visit_to_the_customers_company(s):
    contact = s.env["res.partner"].create({"name": "Buyer", "parent_id": s.shop_x.id})
    order = confirm_at(s, s.alice, contact, "2026-03-10 05:00:00")
    assert order.sales_visit_ids == s.visit


def test_an_order_links_only_its_customers_visits_the_user_may_change(s):
    """Bob cannot make his order come from Alice's visit (another salesperson's
    visit he may not change); Alice cannot link a visit to another customer."""
    from edition import customer_values
    from targets_scenario import refused

    from odoo.exceptions import AccessError, ValidationError

    bobs = s.order(s.bob, s.shop_x, "2026-03-10 03:00:00", [(s.bread, 1, 10.0)],
                   confirm=False)
    with refused(s.env, AccessError):
        as_user(bobs, s.bob).write({"sales_visit_ids": [(4, s.visit.id)]})
    other = s.env["res.partner"].create(customer_values(name="Other Shop", is_company=True))
    alices = s.order(s.alice, other, "2026-03-10 03:00:00", [(s.bread, 1, 10.0)],
                     confirm=False)
    with refused(s.env, ValidationError, "another customer"):
        as_user(alices, s.alice).write({"sales_visit_ids": [(4, s.visit.id)]})
    invalidate(s.visit)
    assert not s.visit.order_ids
