"""Suggest Visits on a plan (R2, R4): a worked example of what the ERP proposes
to Alice for her plan of Tuesday 10 March 2026 (Shanghai), the visit classes'
coverage, and the number of queries, which does not grow with the customers."""

import pytest
from edition import (
    CUSTOMER,
    INVOICE_MODEL,
    as_text,
    as_user,
    flush,
    invalidate,
    set_due_date,
)
from freezegun import freeze_time
from targets_scenario import Scenario, refused

from odoo.exceptions import UserError

DAY = "2026-03-10"


def customer(s, name, user, **values):
    return s.env["res.partner"].create(dict(CUSTOMER, name=name, is_company=True,
                                            user_id=user.id, **values))


def visited_on(s, partners_and_days):
    """Set the partners' last visit (as if visits were done on those days)."""
    flush(s.env)
    for partner, day in partners_and_days:
        s.env.cr.execute("UPDATE res_partner SET sales_last_visit_date = %s WHERE id = %s",
                         (day, partner.id))
    invalidate(s.env["res.partner"], ["sales_last_visit_date"])


def overdue_invoice(s, user, partner, amount):
    order = s.order(user, partner, "2026-02-10 02:00:00", [(s.bread, 1, amount)])
    invoice = s.invoice(order)
    set_due_date(invoice, "2026-03-01")
    return invoice


@pytest.fixture
def s(env):
    s = Scenario(env)
    s.alice.tz = "Asia/Shanghai"
    s.company.write({"sales_visit_days_a": 7, "sales_visit_days_b": 14, "sales_visit_days_c": 30})
    s.debtor = customer(s, "Debtor Shop", s.alice, sales_customer_class="a")
    s.class_a = customer(s, "Class A Shop", s.alice, sales_customer_class="a")
    s.class_c = customer(s, "Class C Shop", s.alice, sales_customer_class="c")
    s.unhappy = customer(s, "Unhappy Shop", s.alice)
    s.bobs = customer(s, "Bob's Debtor", s.bob)
    s.carols = customer(s, "Carol's Shop", s.carol, sales_customer_class="a")
    visited_on(s, [(s.debtor, "2026-02-20"), (s.class_a, "2026-02-20"),
                   (s.class_c, "2026-03-01")])
    overdue_invoice(s, s.alice, s.debtor, 300.0)
    overdue_invoice(s, s.bob, s.bobs, 500.0)
    s.big = env["crm.lead"].create({"name": "Big order", "type": "opportunity",
                                    "partner_id": s.shop_x.id, "user_id": s.alice.id,
                                    "date_deadline": "2026-03-12"})
    env["crm.lead"].create({"name": "Later order", "type": "opportunity",
                            "partner_id": s.shop_x.id, "user_id": s.alice.id,
                            "date_deadline": "2026-04-30"})
    s.prospect = env["crm.lead"].create({"name": "New prospect", "type": "lead",
                                         "user_id": s.alice.id})
    as_user(env["sales.market.report"], s.alice).create({
        "title": "Late delivery", "description": "Three days late.",
        "kind": "customer_complaint", "partner_id": s.unhappy.id})
    s.plan = as_user(env["sales.visit.plan"], s.alice).create({"date": DAY})
    return s


def suggest(s, user):
    """*Suggest Visits* on the plan, as ``user`` clicks it."""
    action = as_user(s.plan, user).action_suggest_visits()
    wizard = as_user(s.env[action["res_model"]], user).with_context(
        action["context"]).create({})
    return wizard, {(line.partner_id.name or line.lead_id.name): line
                    for line in wizard.line_ids}


def test_the_suggestions_of_a_day(s):
    """Debtor Shop owes 300 since 1 March and is class A not visited since 20
    February: one line, collection first.  Big order closes on 12 March (in
    the next 7 days), Later order on 30 April (not proposed).  Unhappy Shop has
    an open complaint.  Class A Shop is overdue (20 February + 7 days), Class C
    Shop is not (1 March + 30 days).  New prospect was never visited.  Bob's
    and Carol's customers are never Alice's suggestions."""
    with freeze_time("%s 01:00:00" % DAY):
        _wizard, lines = suggest(s, s.alice)
    assert {name: line.purpose for name, line in lines.items()} == {
        "Debtor Shop": "collection",
        "Shop X": "order",
        "Unhappy Shop": "complaint",
        "Class A Shop": "service",
        "New prospect": "new_customer",
    }
    debtor = lines["Debtor Shop"]
    assert debtor.amount_due == 300.0
    assert "Overdue invoices" in debtor.reason and "Class A" in debtor.reason
    assert lines["Shop X"].lead_id == s.big and "2026-03-12" in lines["Shop X"].reason
    assert "Late delivery" in lines["Unhappy Shop"].reason
    assert "last visit 2026-02-20" in lines["Class A Shop"].reason
    assert lines["New prospect"].lead_id == s.prospect and not lines["New prospect"].partner_id


def test_ticked_suggestions_become_visits_of_the_plan(s):
    with freeze_time("%s 01:00:00" % DAY):
        wizard, lines = suggest(s, s.alice)
        for name in ("Debtor Shop", "New prospect"):
            lines[name].selected = True
        wizard.action_add()
    visits = s.plan.visit_ids.sorted("planned_start")
    assert [(visit.partner_id.name or visit.lead_id.name, visit.purpose) for visit in visits] \
        == [("Debtor Shop", "collection"), ("New prospect", "new_customer")]
    # 9:00 and 10:00 in Shanghai are 01:00 and 02:00 UTC.
    assert [as_text(visit.planned_start) for visit in visits] == [
        "%s 01:00:00" % DAY, "%s 02:00:00" % DAY]
    assert "Overdue invoices" in visits[0].note
    # What the plan visits is no longer suggested.
    with freeze_time("%s 01:00:00" % DAY):
        _wizard, lines = suggest(s, s.alice)
    assert "Debtor Shop" not in lines and "New prospect" not in lines
    with freeze_time("%s 01:00:00" % DAY):
        wizard, lines = suggest(s, s.alice)
        with refused(s.env, UserError, "Tick the visits"):
            wizard.action_add()


def test_the_supervisor_sees_the_salespersons_suggestions(s):
    with freeze_time("%s 01:00:00" % DAY):
        _wizard, lines = suggest(s, s.sup_north)
    assert set(lines) == {"Debtor Shop", "Shop X", "Unhappy Shop", "Class A Shop",
                          "New prospect"}


def test_coverage_of_the_visit_classes(s):
    """On 10 March: class A every 7 days, C every 30; never visited is overdue."""
    never = customer(s, "Never Visited", s.alice, sales_customer_class="b")
    no_class = customer(s, "No Class", s.alice)
    with freeze_time("%s 01:00:00" % DAY):
        partners = s.debtor | s.class_a | s.class_c | never | no_class
        invalidate(partners)
        assert {p.name: (p.sales_visit_overdue, as_text(p.sales_visit_due_date))
                for p in partners} == {
            "Debtor Shop": (True, "2026-02-27"), "Class A Shop": (True, "2026-02-27"),
            "Class C Shop": (False, "2026-03-31"), "Never Visited": (True, DAY),
            "No Class": (False, False)}
        found = s.env["res.partner"].search([("id", "in", partners.ids),
                                             ("sales_visit_overdue", "=", True)])
        assert found == s.debtor | s.class_a | never
        assert s.env["res.partner"].search([("id", "in", partners.ids),
                                            ("sales_visit_overdue", "=", False)]) \
            == s.class_c | no_class


def test_the_queries_do_not_grow_with_the_customers(s):
    def queries():
        flush(s.env)
        for model in ("res.partner", "res.company", "res.users", "crm.lead", "sales.visit",
                      "sales.visit.plan", "sales.market.report", INVOICE_MODEL):
            invalidate(s.env[model])
        before = s.env.cr.sql_log_count
        with freeze_time("%s 01:00:00" % DAY):
            s.env["sales.visit.suggest"]._suggestions(s.plan)
        return s.env.cr.sql_log_count - before

    queries()  # warm the caches
    few = queries()
    for number in range(12):
        shop = customer(s, "Overdue %d" % number, s.alice, sales_customer_class="a")
        overdue_invoice(s, s.alice, shop, 10.0 + number)
    flush(s.env)
    many = queries()
    assert many == few, (few, many)


def test_an_executive_cannot_read_suggestions(s):
    from odoo.exceptions import AccessError

    with freeze_time("%s 01:00:00" % DAY):
        with refused(s.env, AccessError, "(?i)suggest visits"):
            suggest(s, s.executive)


def test_no_more_visits_than_the_day_holds(s):
    """A visit planned until 23:00 (Shanghai) leaves one hour: two ticked
    suggestions are refused with the number that fits, nothing is added."""
    s.plan.write({"visit_ids": [(0, 0, {
        "partner_id": s.shop_y.id, "purpose": "service",
        "planned_start": "%s 14:00:00" % DAY, "planned_stop": "%s 15:00:00" % DAY})]})
    with freeze_time("%s 01:00:00" % DAY):
        wizard, lines = suggest(s, s.alice)
        lines["Debtor Shop"].selected = lines["Class A Shop"].selected = True
        with refused(s.env, UserError, "Only 1 visits"):
            wizard.action_add()
    assert len(s.plan.visit_ids) == 1


def test_another_teams_customers_are_never_suggested(s):
    """Alice (North) reported a complaint about Carol's Shop (South) and has an
    opportunity with it: Carol's Shop stays South's; Shop Y, Bob's (North),
    is suggested for Alice's opportunity with it."""
    as_user(s.env["sales.market.report"], s.alice).create({
        "title": "Broken shelf", "description": "Seen at Carol's customer.",
        "kind": "customer_complaint", "partner_id": s.carols.id})
    s.env["crm.lead"].create({"name": "South order", "type": "opportunity",
                              "partner_id": s.carols.id, "user_id": s.alice.id,
                              "date_deadline": "2026-03-11"})
    s.env["crm.lead"].create({"name": "North order", "type": "opportunity",
                              "partner_id": s.shop_y.id, "user_id": s.alice.id,
                              "date_deadline": "2026-03-11"})
    with freeze_time("%s 01:00:00" % DAY):
        _wizard, lines = suggest(s, s.alice)
    assert "Carol's Shop" not in lines
    assert lines["Shop Y"].purpose == "order"
