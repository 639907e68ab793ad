"""The expense-claim bridge (sales_process_mgmt_hr_expense), in the database
where it installed itself with Odoo's Expenses app: a visit expense points to
the salesperson's own claim, and the record rules of the visit expenses hold
across teams with the bridge's field as without it."""

import os

import pytest
from edition import EXPENSE_UNIT_PRICE, as_user, may
from read_access import database
from targets_scenario import Scenario, refused

from odoo.exceptions import ValidationError


@pytest.fixture
def bridge_env():
    name = os.environ.get("SPM_BRIDGE_DB")
    assert name, "SPM_BRIDGE_DB is not set: run the suite with ./setup/test"
    with database(name) as env:
        yield env


def _claim(env, user, amount):
    employee = env["hr.employee"].create({"name": user.name, "user_id": user.id})
    product = env["product.product"].create({"name": "Taxi", "can_be_expensed": True,
                                             "type": "service"})
    return env["hr.expense"].create(dict(
        {"name": "Taxi to Shop X", "employee_id": employee.id, "product_id": product.id,
         "quantity": 1}, **{EXPENSE_UNIT_PRICE: amount}))


def test_a_visit_expense_points_to_the_salespersons_own_claim(bridge_env):
    s = Scenario(bridge_env)
    plan = as_user(bridge_env["sales.visit.plan"], s.alice).create({"date": "2026-03-10"})
    visit = as_user(bridge_env["sales.visit"], s.alice).create({
        "plan_id": plan.id, "partner_id": s.shop_x.id, "purpose": "order",
        "planned_start": "2026-03-10 02:00:00", "planned_stop": "2026-03-10 03:00:00"})
    alice_claim, bob_claim = _claim(bridge_env, s.alice, 30.0), _claim(bridge_env, s.bob, 5.0)
    expense = as_user(bridge_env["sales.visit.expense"], s.alice).create({
        "visit_id": visit.id, "category": "transport", "amount": 30.0,
        "expense_id": alice_claim.id})
    assert expense.sudo().expense_id == alice_claim
    with refused(bridge_env, ValidationError, "is T Bob's, not the salesperson's"):
        as_user(expense, s.alice).write({"expense_id": bob_claim.id})

    # Who reads and writes the expense (with its claim): the same as without
    # the bridge (tests/test_access_matrix.py).
    expected = {s.alice: (True, True), s.bob: (False, False), s.sup_north: (True, True),
                s.sup_south: (False, False), s.director: (True, True),
                s.executive: (True, False)}
    for user, (may_read, may_write) in expected.items():
        found = as_user(bridge_env["sales.visit.expense"], user).search([("id", "=", expense.id)])
        assert bool(found) == may_read, user.login
        if may_read:
            assert found.expense_id.id == alice_claim.id
            assert may(found, "write") == may_write, user.login
