"""The daily loop (R4, R5, R6): visit plans approved by the supervisor, visits
with their results and expenses, daily reports signed off, the missing-report
reminder and the efficiency analysis.  Every expected figure is worked out in
the comments.  The company is in Shanghai (UTC+8): 09:00 there is 01:00 UTC."""

import pytest
from edition import as_text, as_user, flush, forget, invalidate, load_language
from freezegun import freeze_time
from targets_scenario import Scenario, refused

from odoo.exceptions import AccessError, UserError, ValidationError

DAY = "2026-03-10"  # a Tuesday
NEXT_DAY = "2026-03-11"


@pytest.fixture
def s(env):
    scenario = Scenario(env)
    # Users created by the test are "new" today; the reminder skips days before
    # a user existed, so date them back to the start of the year.
    flush(env)
    env.cr.execute("UPDATE res_users SET create_date = '2026-01-01' WHERE id IN %s",
                   (tuple((scenario.alice | scenario.bob | scenario.carol).ids),))
    invalidate(env["res.users"], ["create_date"])
    return scenario


def plan(s, user, date=DAY, visits=(), **values):
    """A plan of ``user`` created as that user; visits = [(partner, local hour, purpose)]."""
    values.update({"date": date, "visit_ids": [
        (0, 0, visit_values(date, partner, hour, purpose)) for partner, hour, purpose in visits]})
    # Returned in the test's (superuser) environment; each step says as whom it runs.
    return as_user(s.env["sales.visit.plan"], user).create(values).sudo()


def visit_values(date, partner, hour, purpose="order"):
    return {"partner_id": partner.id, "purpose": purpose,
            "planned_start": "%s %02d:00:00" % (date, hour - 8),
            "planned_stop": "%s %02d:30:00" % (date, hour - 8)}


def three_visits(s):
    return [(s.shop_x, 9, "order"), (s.shop_y, 11, "collection"),
            (s.distributor, 14, "complaint")]


def repeated_visits(s, times):
    """The three visits ``times`` over, an hour later each time (a plan visits
    a customer once at a given time)."""
    return [(partner, hour + later, purpose) for later in range(times)
            for partner, hour, purpose in three_visits(s)]


def messages_to(record, user):
    return record.message_ids.filtered(lambda m: user.partner_id in m.partner_ids)


# ------------------------------------------------------------------ visit plan


def test_plan_submit_return_resubmit_approve(s):
    alice_plan = plan(s, s.alice, visits=three_visits(s))
    assert alice_plan.state == "draft" and alice_plan.visit_count == 3
    assert alice_plan.team_id == s.north

    alice_plan.action_submit()
    assert alice_plan.state == "submitted"
    assert alice_plan.approver_id == s.sup_north
    assert messages_to(alice_plan, s.sup_north), "the approver is notified"
    todo = alice_plan.activity_ids.filtered(lambda a: a.user_id == s.sup_north)
    assert len(todo) == 1

    as_sup = as_user(alice_plan, s.sup_north)
    assert as_sup.can_approve and not as_user(alice_plan, s.alice).can_approve
    as_sup.action_return("Visit Shop Y first: its payment is overdue.")
    assert alice_plan.state == "draft"
    assert alice_plan.return_reason == "Visit Shop Y first: its payment is overdue."
    assert alice_plan.return_count == 1
    assert len(alice_plan.visit_ids) == 3, "a returned plan keeps its visits"
    assert messages_to(alice_plan, s.alice), "the author is notified of the return"
    assert not alice_plan.activity_ids, "the approval activity is closed"

    as_user(alice_plan, s.alice).visit_ids[1].planned_start = "%s 00:00:00" % DAY
    as_user(alice_plan, s.alice).action_submit()
    assert alice_plan.submit_count == 2
    as_sup.action_approve()
    assert alice_plan.state == "approved"
    assert alice_plan.approved_by_id == s.sup_north
    assert not alice_plan.approved_first_time
    # The return reached Alice's inbox; the approval, the expected course of
    # her day, is only noted on the plan: she is not flooded.
    assert len(messages_to(alice_plan, s.alice)) == 1
    approval = alice_plan.message_ids[0]
    assert "approved by" in approval.body and approval.subtype_id == s.env.ref("mail.mt_note")


def test_plan_approved_first_time_and_several_at_once(s):
    plans = plan(s, s.alice, visits=three_visits(s)) | plan(s, s.bob, visits=three_visits(s))
    for each in plans:
        as_user(each, each.user_id).action_submit()
    # The "Approve" action of the list approves the selected plans together.
    action = s.env.ref("sales_process_mgmt.sales_visit_plan_action_approve")
    as_user(action, s.sup_north).with_context(
        active_model="sales.visit.plan", active_ids=plans.ids).run()
    assert plans.mapped("state") == ["approved", "approved"]
    assert all(plans.mapped("approved_first_time"))


def test_configured_approver_and_director(s):
    s.bob.sales_approver_id = s.sup_south
    bob_plan = plan(s, s.bob, visits=three_visits(s))
    as_user(bob_plan, s.bob).action_submit()
    assert bob_plan.approver_id == s.sup_south
    # The leader of Bob's team is not his approver any more...
    with refused(s.env, AccessError):
        as_user(bob_plan, s.sup_north).action_approve()
    # ... but a director may approve any plan.
    as_user(bob_plan, s.director).action_approve()
    assert bob_plan.state == "approved"


def test_plan_refusals(s):
    alice_plan = plan(s, s.alice, visits=three_visits(s))
    with refused(s.env, AccessError, "your own"):
        as_user(s.env["sales.visit.plan"], s.alice).create({"date": NEXT_DAY,
                                                         "user_id": s.bob.id})
    with refused(s.env, ValidationError, "already has a visit plan"):
        plan(s, s.alice)
    with refused(s.env, ValidationError, "cannot end before it starts"):
        as_user(alice_plan.visit_ids[0], s.alice).planned_stop = "%s 00:30:00" % DAY
    with refused(s.env, ValidationError, "another day than its plan"):
        as_user(alice_plan.visit_ids[0], s.alice).write({
            "planned_start": "%s 02:00:00" % NEXT_DAY, "planned_stop": "%s 03:00:00" % NEXT_DAY})
    with refused(s.env, UserError, "changes with its buttons only"):
        as_user(alice_plan, s.alice).state = "approved"
    with refused(s.env, UserError, "at least one visit"):
        as_user(plan(s, s.alice, date=NEXT_DAY), s.alice).action_submit()

    as_user(alice_plan, s.alice).action_submit()
    with refused(s.env, UserError, "already been submitted"):
        as_user(alice_plan, s.alice).action_submit()
    with refused(s.env, UserError, "your own"):
        as_user(alice_plan, s.alice).action_approve()
    with refused(s.env, UserError, "waiting for approval"):
        as_user(alice_plan, s.alice).write({"visit_ids": [(0, 0, visit_values(DAY, s.shop_y, 16))]})
    with refused(s.env, UserError, "Say why"):
        as_user(alice_plan, s.sup_north).action_return("  ")
    with refused(s.env, AccessError):
        # Another team's supervisor cannot even read the plan.
        as_user(alice_plan, s.sup_south).action_approve()

    as_user(alice_plan, s.sup_north).action_approve()
    visit = as_user(alice_plan.visit_ids[0], s.alice)
    with refused(s.env, UserError, "no longer a draft"):
        visit.purpose = "service"
    with refused(s.env, UserError, "no longer a draft"):
        visit.unlink()
    assert alice_plan.state == "approved" and len(alice_plan.visit_ids) == 3


def test_unplanned_visit_and_results_after_approval(s):
    alice_plan = plan(s, s.alice, visits=three_visits(s))
    as_user(alice_plan, s.alice).action_submit()
    as_user(alice_plan, s.sup_north).action_approve()
    as_alice = as_user(alice_plan, s.alice)
    as_alice.write({"visit_ids": [(0, 0, visit_values(DAY, s.shop_y, 16, "service"))]})
    unplanned = alice_plan.visit_ids.filtered(lambda v: not v.planned)
    assert len(unplanned) == 1 and unplanned.partner_id == s.shop_y
    assert alice_plan.visit_count == 3, "the plan still counts three planned visits"

    first, second = as_alice.visit_ids[0], as_alice.visit_ids[1]
    first.write({"outcome": "Ordered tea for the spring festival."})
    first.action_done()
    assert first.state == "done" and first.actual_start == first.planned_start
    with refused(s.env, ValidationError, "Say why"):
        second.state = "missed"
    second.write({"state": "missed", "missed_reason": "The shop was closed."})
    with refused(s.env, ValidationError, "below zero"):
        first.write({"expense_ids": [(0, 0, {"category": "meals", "amount": -5.0})]})
    first.write({"expense_ids": [(0, 0, {"category": "transport", "amount": 30.0}),
                                 (0, 0, {"category": "meals", "amount": 20.0})]})
    assert first.expense_amount == 50.0
    assert not first.is_effective, "done, but nothing came of it yet"


def test_copy_unfinished_visits(s):
    monday = plan(s, s.alice, date="2026-03-09", visits=three_visits(s))
    as_user(monday, s.alice).action_submit()
    as_user(monday, s.sup_north).action_approve()
    visits = as_user(monday.visit_ids, s.alice)
    visits[0].action_done()
    visits[1].write({"state": "missed", "missed_reason": "Owner away"})
    tuesday = plan(s, s.alice)
    as_user(tuesday, s.alice).action_copy_unfinished()
    # Shop Y (missed) and the distributor (still to do) move to Tuesday, same times.
    assert sorted(tuesday.visit_ids.mapped("partner_id.name")) == ["Dist Co", "Shop Y"]
    assert as_text(tuesday.visit_ids.mapped("planned_start")) == [
        "%s 03:00:00" % DAY, "%s 06:00:00" % DAY]
    assert set(tuesday.visit_ids.mapped("state")) == {"todo"}
    assert "Owner away" in tuesday.visit_ids[0].note
    with refused(s.env, UserError, "no unfinished visit"):
        as_user(plan(s, s.bob), s.bob).action_copy_unfinished()


def test_detect_results_from_orders_payments_and_opportunities(s):
    alice_plan = plan(s, s.alice, visits=three_visits(s))
    as_user(alice_plan, s.alice).action_submit()
    as_user(alice_plan, s.sup_north).action_approve()
    # 10:30 in Shanghai: Alice's order of Shop X; Shop Y pays 80 that day;
    # an order of Bob for Shop X the same day is not Alice's result.
    order = s.order(s.alice, s.shop_x, "%s 02:30:00" % DAY, [(s.tea_product, 1, 250.0)])
    s.order(s.bob, s.shop_x, "%s 03:30:00" % DAY, [(s.tea_product, 1, 99.0)])
    payment = s.pay(s.shop_y, 80.0, DAY)
    lead = s.env["crm.lead"].create({"name": "Dist Co franchise", "type": "opportunity",
                                     "partner_id": s.distributor.id, "user_id": s.alice.id})
    flush(s.env)
    s.env.cr.execute("UPDATE crm_lead SET create_date = '2026-02-01', "
                     "date_last_stage_update = %s WHERE id = %s",
                     ("%s 07:00:00" % DAY, lead.id))
    invalidate(lead)
    visits = as_user(alice_plan.visit_ids, s.alice)
    visits.action_done()
    shop_x, shop_y, distributor = visits
    assert shop_x.order_ids == order and shop_x.order_amount == 250.0
    assert shop_y.payment_ids == payment and shop_y.collection_amount == 80.0
    assert distributor.lead_progress
    assert all(visits.mapped("is_effective"))
    # What the salesperson linked by hand stays when results are detected again.
    shop_y.write({"order_ids": [(4, order.id)]})
    visits.action_detect_results()
    assert shop_y.order_ids == order


# ---------------------------------------------------------------- daily report


@pytest.fixture
def alice_day(s):
    """Alice on Tuesday 10 March: three visits planned and approved, Shop X
    done (order of 250 at 10:30), Shop Y (now Alice's customer) done (pays 80
    against no invoice: a collection of Alice's),
    the distributor not done, plus an unplanned complaint visit done at the
    distributor; expenses 30 + 20.  Earlier that month (2 March) an order of
    50.  Her March sales target is 2200 over 22 working days: 100 a day; on
    the 10th, 7 of the 22 working days have passed (2-6 and 9-10 March: 31.82 %)."""
    s.line("sales", "2026-03-01", "2026-03-31", 2200.0, team_id=s.north, user_id=s.alice)
    s.line("collections", "2026-03-01", "2026-03-31", 1100.0, team_id=s.north,
           user_id=s.alice)
    s.shop_y.user_id = s.alice  # collections count for the customer's salesperson
    s.order(s.alice, s.shop_y, "2026-03-02 02:00:00", [(s.bread, 1, 50.0)])
    order = s.order(s.alice, s.shop_x, "%s 02:30:00" % DAY, [(s.tea_product, 1, 250.0)])
    s.pay(s.shop_y, 80.0, DAY)
    alice_plan = plan(s, s.alice, visits=three_visits(s))
    as_user(alice_plan, s.alice).action_submit()
    as_user(alice_plan, s.sup_north).action_approve()
    as_alice = as_user(alice_plan, s.alice)
    as_alice.write({"visit_ids": [(0, 0, visit_values(DAY, s.distributor, 17, "complaint"))]})
    shop_x, shop_y, distributor, extra = as_alice.visit_ids.sorted("planned_start")
    shop_x.write({"expense_ids": [(0, 0, {"category": "transport", "amount": 30.0}),
                                  (0, 0, {"category": "meals", "amount": 20.0})]})
    (shop_x | shop_y | extra).action_done()
    distributor.write({"state": "missed", "missed_reason": "Traffic"})
    return {"plan": alice_plan, "order": order}


def report(s, user, date=DAY, **values):
    values["date"] = date
    return as_user(s.env["sales.daily.report"], user).create(values).sudo()


def test_report_prefilled_from_visits_orders_payments_and_targets(s, alice_day):
    daily = report(s, s.alice)
    assert (daily.visit_planned_count, daily.visit_done_count, daily.visit_effective_count,
            daily.visit_unplanned_count, daily.complaint_count) == (3, 3, 2, 1, 1)
    assert daily.expense_amount == 50.0
    assert daily.order_ids == alice_day["order"] and daily.order_count == 1
    assert (daily.sales_amount, daily.collection_amount) == (250.0, 80.0)
    assert daily.new_customer_count == 1, "Shop X's first order"
    assert daily.plan_id == alice_day["plan"] and len(daily.visit_ids) == 4
    sales = daily.target_ids.filtered(lambda t: t.metric == "sales")
    assert (sales.month_target, sales.day_target, sales.day_actual) == (2200.0, 100.0, 250.0)
    assert sales.day_rate == 250.0
    assert sales.month_actual == 300.0  # 50 on the 2nd + 250 today
    assert round(sales.month_rate, 2) == round(300 / 22, 1), "a percentage to one decimal"
    assert round(sales.expected_rate, 2) == round(700 / 22, 2)
    collections = daily.target_ids.filtered(lambda t: t.metric == "collections")
    assert (collections.day_target, collections.day_actual) == (50.0, 80.0)


def test_report_prefill_query_count_does_not_grow(s, alice_day):
    """The prefill runs the same number of queries for 4 visits and 1 order as
    for 12 visits and 3 orders (it grows only with the number of the
    salesperson's monthly targets, one line each)."""
    def prefill_queries(daily):
        forget(s.env)  # both runs read everything from the database
        before = s.env.cr.sql_log_count
        daily._prefill()
        return s.env.cr.sql_log_count - before

    alice_report = report(s, s.alice)
    prefill_queries(alice_report)  # warm Odoo's caches of access rules and views
    small = prefill_queries(alice_report)
    # Bob: the same two targets, 12 visits done and 3 orders.
    s.line("sales", "2026-03-01", "2026-03-31", 2200.0, team_id=s.north, user_id=s.bob)
    s.line("collections", "2026-03-01", "2026-03-31", 1100.0, team_id=s.north, user_id=s.bob)
    bob_plan = plan(s, s.bob, visits=repeated_visits(s, 4))
    for hour in (1, 2, 3):
        s.order(s.bob, s.shop_y, "%s 0%d:00:00" % (DAY, hour), [(s.bread, 1, 10.0)])
    bob_plan.visit_ids.write({"state": "done"})
    bob_report = report(s, s.bob)
    assert bob_report.visit_done_count == 12 and bob_report.order_count == 3
    assert prefill_queries(bob_report) == small


def test_report_submit_lateness_review_and_return(s, alice_day):
    daily = report(s, s.alice, competitor_info="Brand B: 10% off green tea.")
    # The deadline is 21:00 in Shanghai, 13:00 UTC.
    assert as_text(daily.deadline) == "%s 13:00:00" % DAY
    with freeze_time("%s 14:30:00" % DAY):
        as_user(daily, s.alice).action_submit()
    assert daily.is_late and daily.late_hours == 1.5
    assert daily.approver_id == s.sup_north
    with refused(s.env, UserError, "already been submitted"):
        as_user(daily, s.alice).action_submit()
    with refused(s.env, UserError, "no longer be changed"):
        as_user(daily, s.alice).reflections = "Changed after submission"
    with refused(s.env, UserError, "not its author"):
        as_user(daily, s.alice).write({"quality_score": "5"})
    with refused(s.env, UserError, "your own"):
        as_user(daily, s.alice).action_approve()

    as_sup = as_user(daily, s.sup_north)
    as_sup.action_return("Add what the customers said about the new price.")
    assert daily.state == "draft"
    assert daily.competitor_info == "Brand B: 10% off green tea.", "contents kept"
    as_user(daily, s.alice).customer_feedback = "Shop X finds the new price fair."
    with freeze_time("%s 02:00:00" % NEXT_DAY):
        as_user(daily, s.alice).action_submit()
    # Timeliness stays measured on the first submission.
    assert daily.late_hours == 1.5 and as_text(daily.first_submitted_at) == "%s 14:30:00" % DAY

    with refused(s.env, UserError, "quality score"):
        as_sup.action_approve()
    as_sup.write({"review_comment": "Good catch on Brand B; visit the distributor "
                                    "tomorrow.", "quality_score": "4"})
    as_sup.action_approve()
    assert daily.state == "approved" and daily.quality_value == 4
    assert not daily.approved_first_time
    # Once submitted, the visits of the day and their expenses are frozen too.
    with refused(s.env, UserError, "is submitted"):
        as_user(alice_day["plan"].visit_ids[0], s.alice).outcome = "Changed"
    with refused(s.env, ValidationError, "is submitted"):
        as_user(alice_day["plan"].visit_ids[0].expense_ids[0], s.alice).amount = 1.0


def test_report_on_time_and_refusals(s, alice_day):
    daily = report(s, s.alice)
    with freeze_time("%s 12:59:00" % DAY):
        as_user(daily, s.alice).action_submit()
    assert not daily.is_late and daily.late_hours == 0.0
    with refused(s.env, ValidationError, "already has a daily report"):
        report(s, s.alice)
    with refused(s.env, ValidationError, "has not come yet"):
        with freeze_time("%s 12:00:00" % DAY):
            report(s, s.bob, NEXT_DAY)
    with refused(s.env, AccessError):
        report(s, s.alice, NEXT_DAY, user_id=s.bob.id)
    with refused(s.env, UserError, "submitted report stay"):
        as_user(daily, s.alice).action_refresh()


def test_report_efficiency_on_the_form(s, alice_day):
    daily = report(s, s.alice)
    html = as_user(daily, s.sup_north).efficiency_html
    # Day: 3 planned / 3 done, 2 effective of 3 done: 67 %.
    assert "3 / 3" in html and "67 %" in html


def test_missing_reports_reminded_once(s):
    """Wednesday 11 March, 22:00 in Shanghai: the deadlines of Monday 9, Tuesday 10
    and Wednesday 11 have passed (the look-back is 3 days: Sunday 8 is not a
    working day).  Alice submitted Tuesday's report; Bob declared Monday as
    a leave day.  Missing: Alice 9 and 11, Bob 10 and 11, Carol 9, 10, 11: 7."""
    with freeze_time("2026-03-10 12:00:00"):
        alice_tuesday = report(s, s.alice)
        as_user(alice_tuesday, s.alice).action_submit()
    report(s, s.bob, "2026-03-09", attendance="leave")
    with freeze_time("2026-03-11 14:00:00"):
        missing = s.env["sales.daily.report"]._cron_remind_missing()
    assert sorted((r.user_id.login, as_text(r.date)) for r in missing) == [
        ("t_alice", "2026-03-09"), ("t_alice", "2026-03-11"),
        ("t_bob", "2026-03-10"), ("t_bob", "2026-03-11"),
        ("t_carol", "2026-03-09"), ("t_carol", "2026-03-10"), ("t_carol", "2026-03-11")]
    for each in missing:
        assert [a.user_id for a in each.activity_ids] == [each.user_id]
    # One message to each approver listing that approver's missing reports:
    # 4 of North's salespeople, 3 of Carol's (South); none on the reports.
    digests = {}
    for approver in (s.sup_north, s.sup_south):
        digests[approver] = s.env["mail.message"].search([
            ("partner_ids", "in", approver.partner_id.ids), ("model", "=", False)])
    assert [len(digests[s.sup_north]), len(digests[s.sup_south])] == [1, 1]
    assert "4 daily reports" in digests[s.sup_north].body
    assert "3 daily reports" in digests[s.sup_south].body
    assert digests[s.sup_north].body.count("<li>") == 4
    assert "Daily Report of T Carol, 2026-03-10" in digests[s.sup_south].body
    assert not any(messages_to(each, s.sup_north) for each in missing)
    with freeze_time("2026-03-11 15:00:00"):
        again = s.env["sales.daily.report"]._cron_remind_missing()
    assert not again
    assert s.env["sales.daily.report"].search_count([("missing_notified", "=", True)]) == 7
    assert sum(len(each.activity_ids) for each in missing) == 7


# ------------------------------------------------------------------ efficiency


def test_efficiency_worked_example(s, alice_day):
    """Week of 9 March for Alice.  Tuesday: 3 planned + 1 unplanned, 3 done,
    2 effective (Shop X's order, Shop Y's payment), 1 order of 250, expenses
    50.  Wednesday: 2 planned, both done, both effective (orders of 100 and
    150), expense 10.  Week: planned 5, done 5, effective 4 (80 %), orders 3
    (0.6 per visit), sales 500 (100 per visit), expenses 60 (12 per visit,
    12 % of sales); target share 5 working days × 100 = 500: 100 %."""
    wednesday = plan(s, s.alice, NEXT_DAY, visits=[(s.shop_x, 9, "order"),
                                                   (s.shop_y, 15, "order")])
    as_user(wednesday, s.alice).action_submit()
    as_user(wednesday, s.sup_north).action_approve()
    s.order(s.alice, s.shop_x, "%s 02:00:00" % NEXT_DAY, [(s.tea_product, 1, 100.0)])
    s.order(s.alice, s.shop_y, "%s 08:00:00" % NEXT_DAY, [(s.bread, 3, 50.0)])
    visits = as_user(wednesday.visit_ids, s.alice)
    visits[0].write({"expense_ids": [(0, 0, {"category": "transport", "amount": 10.0})]})
    visits.action_done()

    analysis = as_user(s.env["sales.efficiency.report"], s.sup_north)
    fields = ["user_id", "visit_planned", "visit_done", "visit_effective", "effective_rate",
              "order_count", "orders_per_visit", "sales_amount", "sales_per_visit",
              "expense_amount", "expense_per_visit", "expense_ratio", "target_amount",
              "achievement_rate", "done_rate"]
    week = analysis.read_group([("user_id", "=", s.alice.id), ("date", ">=", "2026-03-09"),
                                ("date", "<=", "2026-03-15")], fields, ["user_id"])
    assert len(week) == 1
    figures = {name: round(week[0][name], 2) for name in fields[1:]}
    assert figures == {
        "visit_planned": 5, "visit_done": 5, "visit_effective": 4, "effective_rate": 80.0,
        "order_count": 3, "orders_per_visit": 0.6, "sales_amount": 500.0,
        "sales_per_visit": 100.0, "expense_amount": 60.0, "expense_per_visit": 12.0,
        "expense_ratio": 12.0, "target_amount": 500.0, "achievement_rate": 100.0,
        "done_rate": 100.0}
    tuesday = analysis.search([("user_id", "=", s.alice.id), ("date", "=", DAY)])
    assert (tuesday.visit_done, round(tuesday.effective_rate, 2), tuesday.sales_amount,
            tuesday.achievement_rate) == (3, 66.67, 250.0, 250.0)
    # By day, each day's rates come from that day's sums.
    by_day = analysis.read_group([("user_id", "=", s.alice.id), ("date", "in", [DAY, NEXT_DAY])],
                                 ["date", "effective_rate", "visit_done"], ["date:day"])
    assert [round(g["effective_rate"], 2) for g in by_day] == [66.67, 100.0]


def test_efficiency_read_group_query_count_does_not_grow(s, alice_day):
    analysis = as_user(s.env["sales.efficiency.report"], s.director)

    def queries():
        forget(s.env)
        before = s.env.cr.sql_log_count
        analysis.read_group([], ["user_id", "date", "visit_done", "effective_rate",
                                 "sales_per_visit"],
                            ["user_id", "date:week"], lazy=False)
        return s.env.cr.sql_log_count - before

    queries()  # warm the caches (access rights, rules)
    small = queries()
    for user in (s.bob, s.carol):
        user_plan = plan(s, user, visits=repeated_visits(s, 3))
        user_plan.visit_ids.write({"state": "done"})
    assert queries() == small


# ---------------------------------------------------------------------- access


def test_each_role_sees_what_it_may(s, alice_day):
    bob_plan = plan(s, s.bob, visits=three_visits(s))
    carol_plan = plan(s, s.carol, visits=three_visits(s))
    alice_report = report(s, s.alice)
    report(s, s.carol)
    plans = alice_day["plan"] | bob_plan | carol_plan

    def visible(model, user):
        return as_user(s.env[model], user).search([("id", "in", s.env[model].search([]).ids)])

    assert visible("sales.visit.plan", s.alice) == alice_day["plan"]
    assert visible("sales.visit.plan", s.sup_north) == alice_day["plan"] | bob_plan
    assert visible("sales.visit.plan", s.sup_south) == carol_plan
    assert visible("sales.visit.plan", s.director) >= plans
    assert visible("sales.visit.plan", s.executive) >= plans
    assert visible("sales.visit", s.alice) == alice_day["plan"].visit_ids
    assert visible("sales.visit.expense", s.bob).ids == []
    assert visible("sales.daily.report", s.bob).ids == []
    assert visible("sales.daily.report", s.sup_north) == alice_report
    assert set(visible("sales.efficiency.report", s.alice).mapped("user_id")) == {s.alice}
    assert s.carol not in visible("sales.efficiency.report", s.sup_north).mapped("user_id")

    with refused(s.env, AccessError):
        as_user(bob_plan, s.alice).read(["state"])
    with refused(s.env, AccessError):
        as_user(alice_day["plan"], s.executive).write({"note": "Executives only read"})
    with refused(s.env, AccessError):
        as_user(s.env["sales.visit.plan"], s.executive).create({"date": NEXT_DAY})
    with refused(s.env, AccessError):
        as_user(alice_report, s.executive).unlink()
    assert as_user(alice_report, s.executive).sales_amount == 250.0


def test_visit_to_a_lead_without_customer(s):
    """A prospect known only as a lead is visited; its stage changes that day
    (15:00 in Shanghai): the visit is effective.  A visit for nobody is refused."""
    lead = s.env["crm.lead"].create({"name": "Tea house on Nanjing Road", "type": "lead",
                                     "partner_name": "Nanjing Tea House",
                                     "user_id": s.alice.id})
    flush(s.env)
    s.env.cr.execute("UPDATE crm_lead SET create_date = '2026-02-01', "
                     "date_last_stage_update = %s WHERE id = %s", ("%s 07:00:00" % DAY, lead.id))
    invalidate(lead)
    values = visit_values(DAY, s.shop_x, 10, "new_customer")
    values.update(partner_id=False, lead_id=lead.id)
    alice_plan = as_user(s.env["sales.visit.plan"], s.alice).create({
        "date": DAY, "visit_ids": [(0, 0, values)]}).sudo()
    visit = alice_plan.visit_ids
    assert visit.display_name == "Nanjing Tea House %s" % DAY
    as_user(visit, s.alice).action_done()
    assert visit.lead_progress and visit.is_effective
    with refused(s.env, ValidationError, "Say whom the visit is for"):
        as_user(visit, s.alice).write({"lead_id": False})


def test_not_done_asks_for_the_reason(s):
    """*Not Done* opens a dialog that asks why; the reason is required and not
    blank; it records several visits at once from the list too."""
    alice_plan = plan(s, s.alice, visits=three_visits(s))
    first, second, third = alice_plan.visit_ids
    action = as_user(first, s.alice).action_open_missed()
    assert (action["res_model"], action["target"]) == ("sales.visit.missed", "new")
    wizard = as_user(s.env["sales.visit.missed"], s.alice).with_context(action["context"])
    with refused(s.env, ValidationError, "Fill in 'Why Not Done'"):
        wizard.create({"reason": "   "})
    wizard.create({"reason": "The buyer was away."}).action_confirm()
    assert (first.state, first.missed_reason) == ("missed", "The buyer was away.")
    several = wizard.with_context(active_model="sales.visit", active_ids=(second | third).ids)
    several.create({"reason": "Traffic."}).action_confirm()
    assert (second | third).mapped("state") == ["missed", "missed"]
    assert set((second | third).mapped("missed_reason")) == {"Traffic."}


def test_return_several_documents_from_the_list(s):
    """The return dialog works on the records of its context, as Odoo's
    wizards do: two plans selected in the list go back together."""
    plans = plan(s, s.alice, visits=three_visits(s)) | plan(s, s.bob, visits=three_visits(s))
    for each in plans:
        as_user(each, each.user_id).action_submit()
    wizard = as_user(s.env["sales.return.wizard"], s.sup_north).with_context(
        active_model="sales.visit.plan", active_ids=plans.ids)
    wizard.create({"reason": "Plan the collections first."}).action_confirm()
    assert plans.mapped("state") == ["draft", "draft"]
    assert set(plans.mapped("return_reason")) == {"Plan the collections first."}
    with refused(s.env, UserError, "Only visit plans and daily reports"):
        wizard.with_context(active_model="sales.visit").create(
            {"reason": "x"}).action_confirm()


# ------------------------------------------------- what the screens ask of people


def test_a_visit_takes_times_of_its_plans_day(s):
    """The plan's visits table asks for two times, not two full dates: 09:30 to
    10:15 in Shanghai on 10 March is 01:30 to 02:15 UTC."""
    alice_plan = plan(s, s.alice)
    as_user(alice_plan, s.alice).write({"visit_ids": [(0, 0, {
        "partner_id": s.shop_x.id, "purpose": "order", "start_time": 9.5, "stop_time": 10.25})]})
    visit = alice_plan.visit_ids
    assert (as_text(visit.planned_start), as_text(visit.planned_stop)) == (
        "%s 01:30:00" % DAY, "%s 02:15:00" % DAY)
    assert (visit.start_time, visit.stop_time) == (9.5, 10.25)
    # Without an end, the visit lasts an hour; a new start moves it.
    as_user(alice_plan, s.alice).write({"visit_ids": [(0, 0, {
        "partner_id": s.shop_y.id, "purpose": "order", "start_time": 14.0})]})
    second = alice_plan.visit_ids.filtered(lambda visit: visit.partner_id == s.shop_y)
    assert (as_text(second.planned_start), as_text(second.planned_stop)) == (
        "%s 06:00:00" % DAY, "%s 07:00:00" % DAY)
    as_user(second, s.alice).write({"start_time": 15.0, "stop_time": 15.5})
    assert (as_text(second.planned_start), as_text(second.planned_stop)) == (
        "%s 07:00:00" % DAY, "%s 07:30:00" % DAY)
    for start, stop in ((25.0, 26.0), (-1.0, 2.0), (9e12, 9e12 + 1), (9.0, 48.0)):
        with refused(s.env, UserError, "hours of its day"):
            as_user(second, s.alice).write({"start_time": start, "stop_time": stop})
    with refused(s.env, UserError, "Say when"):
        as_user(alice_plan, s.alice).write({"visit_ids": [(0, 0, {
            "partner_id": s.shop_y.id, "purpose": "order"})]})
    # Once submitted, the times are what was planned, like the moments.
    as_user(alice_plan, s.alice).action_submit()
    with refused(s.env, UserError, "no longer a draft"):
        as_user(second, s.alice).write({"start_time": 16.0})


def test_a_report_is_not_submitted_with_visits_still_to_do(s):
    """The visits of a submitted report's day can no longer change: submitting
    with a visit still To Do is refused, naming it."""
    alice_plan = plan(s, s.alice, visits=three_visits(s))
    as_user(alice_plan, s.alice).action_submit()
    as_user(alice_plan, s.sup_north).action_approve()
    shop_x, shop_y, distributor = alice_plan.visit_ids.sorted("planned_start")
    (shop_x | shop_y).action_done()
    with freeze_time("%s 10:00:00" % DAY):
        daily = report(s, s.alice)
        with refused(s.env, UserError, "Dist Co"):
            as_user(daily, s.alice).action_submit()
        assert daily.state == "draft"
        as_user(distributor, s.alice).write({"state": "missed", "missed_reason": "Closed"})
        as_user(daily, s.alice).action_submit()
    assert daily.state == "submitted"


def test_sign_off_in_one_dialog_tells_the_salesperson(s, alice_day):
    """The supervisor scores, comments and approves in one dialog; the
    salesperson is told the score and the comments, in her language."""
    with freeze_time("%s 12:00:00" % DAY):
        daily = report(s, s.alice)
        as_user(daily, s.alice).action_submit()
    signoff = as_user(s.env["sales.daily.report.signoff"], s.sup_north).with_context(
        active_model="sales.daily.report", active_ids=daily.ids)
    with refused(s.env, UserError, "quality score"):
        signoff.create({"comment": "Fine."}).action_approve()
    with refused(s.env, UserError, "why"):
        signoff.create({"quality_score": "2"}).action_return()
    with refused(s.env, AccessError):
        as_user(s.env["sales.daily.report.signoff"], s.sup_south).with_context(
            active_model="sales.daily.report", active_ids=daily.ids).create(
            {"quality_score": "4"}).action_approve()
    signoff.create({"quality_score": "4", "comment": "Visit the distributor again."}
                   ).action_approve()
    assert daily.state == "approved"
    assert (daily.quality_score, daily.review_comment) == ("4", "Visit the distributor again.")
    told = messages_to(daily, s.alice)
    assert len(told) == 1
    assert "4 - Very Good" in told.body and "Visit the distributor again." in told.body
    assert "Daily Report of T Alice, %s" % DAY in told.body


def test_the_plans_approval_does_not_flood_the_inbox(s):
    """Approving a plan, the expected course of every day, is noted on the plan
    and reaches no inbox; a return does."""
    plans = plan(s, s.alice, visits=three_visits(s)) | plan(
        s, s.alice, date=NEXT_DAY, visits=three_visits(s))
    for each in plans:
        as_user(each, s.alice).action_submit()
        as_user(each, s.sup_north).action_approve()
    assert not (plans[0].message_ids | plans[1].message_ids).filtered(
        lambda message: s.alice.partner_id in message.partner_ids)
    # The plan and the report say their kind and day: "Returned" says which.
    assert plans[0].display_name == "Visit Plan of T Alice, %s" % DAY


def test_every_message_of_the_workflow_is_signed_by_who_acted(s):
    """The submission, the closed approval activity ("done") and the return or
    approval are signed by the salesperson or the supervisor who acted, never
    by the administrator (in Odoo 11 the activity, closed as the superuser,
    was signed by the administrator: a third of the demo's messages)."""
    plans = plan(s, s.alice, visits=three_visits(s)) | plan(
        s, s.alice, date=NEXT_DAY, visits=three_visits(s))
    as_user(plans[0], s.alice).action_submit()
    as_user(plans[0], s.sup_north).action_return("Too few visits.")
    as_user(plans[1], s.alice).action_submit()
    as_user(plans[1], s.sup_north).action_approve()
    messages = (plans[0].message_ids | plans[1].message_ids).filtered("body")
    authors = messages.mapped("author_id")
    assert len(messages) >= 4, messages.mapped("body")
    assert authors <= (s.alice | s.sup_north).mapped("partner_id"), [
        (message.author_id.name, message.body) for message in messages]
    assert s.sup_north.partner_id in authors


def test_messages_and_activities_are_in_the_readers_language(s):
    """Alice writes in English, her supervisor reads Chinese: the message and
    the activity of the submission are in Chinese; the return comes back to
    Alice in English."""
    load_language(s.env, "zh_CN", ["sales_process_mgmt"])
    s.sup_north.lang = "zh_CN"
    alice_plan = plan(s, s.alice, visits=three_visits(s))
    as_user(alice_plan, s.alice).action_submit()
    submitted = alice_plan.message_ids.filtered(
        lambda message: s.sup_north.partner_id in message.partner_ids)
    expected = alice_plan.with_context(lang="zh_CN")._text_submitted(s.sup_north)
    assert submitted.body == "<p>%s</p>" % expected
    assert expected != alice_plan.with_context(lang="en_US")._text_submitted(s.sup_north)
    activity = alice_plan.activity_ids
    assert activity.summary == alice_plan.with_context(lang="zh_CN")._text_to_approve()
    as_user(alice_plan, s.sup_north).action_return("Too few visits.")
    returned = messages_to(alice_plan, s.alice)
    assert "returned by" in returned.body and "Too few visits." in returned.body
