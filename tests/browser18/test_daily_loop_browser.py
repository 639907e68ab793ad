"""End to end on Odoo 18: one day of the daily loop, in the browser.

A salesperson plans three customer visits for today in the Visit Plans form and
submits the plan.  The supervisor returns it with a reason; the salesperson sees
the reason, changes a visit's purpose and submits again; the supervisor approves
it.  The salesperson records the results on the plan: a visit done with a meal
expense from its dialog, one done in one tap on its row, one not done with the
reason from its dialog.  The salesperson writes the daily report (its figures
are prefilled from the visits) and submits it; the supervisor signs it off in
one dialog (score, comments, approve) and the salesperson is told both.  The records are checked
over RPC at the end, and no step may show an error (dialog, danger
notification, JavaScript error, HTTP 5xx).

Both users work in Shanghai (UTC+8), and so does their browser: the web client
shows datetimes in the browser's time zone, the server checks the visits are on
the plan's day in the salesperson's time zone.
"""

import datetime
import time

import pytest
import pytz
from edition import customer_values
from playwright.sync_api import expect
from web18 import (
    assert_clean,
    click_header_button,
    dialog,
    header_button,
    idle,
    login,
    open_menu,
    open_single_row,
    pick_many2one,
    save,
    status,
    tab,
)

TZ = "Asia/Shanghai"
RETURN_REASON = "Visit customer C in the afternoon: it is a service call."
MISSED_REASON = "The shop was closed for inventory."
VISIT_PLANS = ("menu_daily", "sales_visit_plan_menu", "Visit Plans")
DAILY_REPORTS = ("menu_daily", "sales_daily_report_menu", "Daily Reports")
PLANS_TO_APPROVE = ("menu_approvals", "sales_visit_plan_menu_to_approve", "Plans to Approve")
REPORTS_TO_SIGN_OFF = ("menu_approvals", "sales_daily_report_menu_to_approve",
                       "Reports to Sign Off")


@pytest.fixture
def shanghai_browser(new_page):
    """Opens pages (one context per user) in a browser set to Shanghai time."""
    return lambda name: new_page(name, timezone_id=TZ)


def _user(rpc, login, group):
    return rpc.env["res.users"].with_context(no_reset_password=True).create({
        "name": login.replace("_", " ").title(),
        "login": login,
        "password": login,
        # The chatter logs the creation of plans and reports as their author.
        "email": "%s@example.com" % login,
        "tz": TZ,
        "groups_id": [(6, 0, [rpc.env.ref("base.group_user").id, rpc.env.ref(group).id])],
    })


def test_daily_loop_plan_return_approve_record_report(odoo_rpc, odoo_server,
                                                      shanghai_browser):
    # 1. A team of two in Shanghai, led by the supervisor, and three customers.
    tag = str(int(time.time() * 1000))[-8:]
    supervisor = "e2e_supervisor_%s" % tag
    salesperson = "e2e_salesperson_%s" % tag
    supervisor_id = _user(odoo_rpc, supervisor, "sales_process_mgmt.group_supervisor")
    salesperson_id = _user(odoo_rpc, salesperson, "sales_process_mgmt.group_salesperson")
    # Odoo 18: a user's sales team is the team the user is a member of.
    odoo_rpc.env["crm.team"].create({
        "name": "E2E Team %s" % tag, "user_id": supervisor_id,
        "member_ids": [(6, 0, [supervisor_id, salesperson_id])]})
    customers = {letter: "E2E Customer %s %s" % (letter, tag) for letter in "ABC"}
    customer_ids = {letter: odoo_rpc.env["res.partner"].create(customer_values(name=name))
                    for letter, name in customers.items()}

    today = datetime.datetime.now(pytz.timezone(TZ)).date()

    def local(hour, minute):
        """A time of the plan's day as its visits table shows it."""
        return "%02d:%02d" % (hour, minute)

    # 2. The salesperson plans the day's three visits and submits the plan.
    seller = login(shanghai_browser("salesperson"), odoo_server, salesperson)
    open_menu(seller, *VISIT_PLANS)
    seller.locator(".o_control_panel .o_list_button_add").click()
    expect(seller.locator(".o_form_view .o_form_renderer.o_form_editable")).to_be_visible()
    expect(seller.locator(".o_field_widget[name=date] input")).to_have_value(
        today.strftime("%m/%d/%Y"))
    expect(seller.locator(".o_field_widget[name=user_id] input")).to_have_value(
        salesperson.replace("_", " ").title())
    visits = seller.locator(".o_field_one2many[name=visit_ids]")
    rows = visits.locator("tbody tr.o_data_row")
    plan = [("A", (9, 0), (9, 30), "Order Taking"),
            ("B", (11, 0), (11, 30), "Collection"),
            ("C", (14, 0), (14, 30), "Market Research")]
    for count, (letter, start, stop, purpose) in enumerate(plan, 1):
        visits.locator(".o_field_x2many_list_row_add a").click()
        expect(rows).to_have_count(count)
        row = visits.locator("tr.o_selected_row")
        expect(row.locator("td.o_readonly_modifier[name=partner_id]"),
               "the new visit's Customer is read-only in the draft plan").to_have_count(0)
        pick_many2one(row, "partner_id", customers[letter])
        idle(seller)  # the customer's onchange (area)
        # The plan has the day: a visit takes two times of it.
        row.locator(".o_field_widget[name=start_time] input").fill(local(*start))
        row.locator(".o_field_widget[name=start_time] input").press("Tab")
        row.locator(".o_field_widget[name=stop_time] input").fill(local(*stop))
        row.locator(".o_field_widget[name=stop_time] input").press("Tab")
        idle(seller)
        row.locator(".o_field_widget[name=purpose] select").select_option(label=purpose)
        idle(seller)
        expect(row.locator(".o_field_widget[name=start_time] input")).to_have_value(
            local(*start))
        expect(row.locator(".o_field_widget[name=stop_time] input")).to_have_value(
            local(*stop))
    save(seller)
    expect(rows).to_have_count(3)
    for (letter, start, stop, purpose), row in zip(plan, rows.all(), strict=True):
        expect(row.locator("td[name=partner_id]")).to_have_text(customers[letter])
        expect(row.locator("td[name=start_time]")).to_have_text(local(*start))
        expect(row.locator("td[name=stop_time]")).to_have_text(local(*stop))
        expect(row.locator("td[name=purpose]")).to_have_text(purpose)
    # The whole table, with its buttons, fits the sheet.
    table = visits.locator("table")
    sheet = seller.locator(".o_form_sheet")
    assert table.bounding_box()["width"] <= sheet.bounding_box()["width"]
    click_header_button(seller, "action_submit", "Submitted")
    expect(seller.locator(".o_form_view .alert-info")).to_contain_text("waits for approval")
    # Submitted: the planned visits can no longer be changed.
    expect(rows.first.locator("td.o_readonly_modifier[name=partner_id]")).to_have_count(1)

    # 3. The supervisor returns the plan with a reason.
    boss = login(shanghai_browser("supervisor"), odoo_server, supervisor)
    open_menu(boss, *PLANS_TO_APPROVE)
    open_single_row(boss)
    expect(boss.locator(".o_field_widget[name=user_id]")).to_contain_text(
        salesperson.replace("_", " ").title())
    expect(boss.locator(".o_field_widget[name=approver_id]")).to_contain_text(
        supervisor.replace("_", " ").title())
    header_button(boss, "action_open_return_wizard").click()
    wizard = dialog(boss)
    wizard.locator(".o_field_widget[name=reason] textarea").fill(RETURN_REASON)
    wizard.locator(".modal-footer button[name=action_confirm]").click()
    expect(dialog(boss)).to_have_count(0)
    expect(status(boss)).to_have_text("Draft")
    assert_clean(boss)

    # 4. The salesperson reads the reason, changes the third visit's purpose and
    #    submits the plan again.
    open_menu(seller, *VISIT_PLANS)
    open_single_row(seller)
    expect(status(seller)).to_have_text("Draft")
    alert = seller.locator(".o_form_view .alert-warning")
    expect(alert).to_contain_text("Returned:")
    expect(alert).to_contain_text(RETURN_REASON)
    rows.nth(2).locator("td[name=purpose]").click()
    seller.locator("tr.o_selected_row .o_field_widget[name=purpose] select").select_option(
        label="Service")
    idle(seller)
    save(seller)
    expect(rows.nth(2).locator("td[name=purpose]")).to_have_text("Service")
    expect(alert).to_contain_text(RETURN_REASON)
    click_header_button(seller, "action_submit", "Submitted")
    expect(alert).to_be_hidden()

    # 5. The supervisor approves it.
    open_menu(boss, *PLANS_TO_APPROVE)
    open_single_row(boss)
    click_header_button(boss, "action_approve", "Approved")
    expect(boss.locator(".o_field_widget[name=approved_by_id]")).to_contain_text(
        supervisor.replace("_", " ").title())

    # 6. The salesperson records the results from the approved plan: the first
    #    visit done with a meal, the second done ...
    open_menu(seller, *VISIT_PLANS)
    open_single_row(seller)
    expect(status(seller)).to_have_text("Approved")
    # Approved: only the results may be recorded.
    expect(rows.first.locator("td.o_readonly_modifier[name=partner_id]")).to_have_count(1)
    rows.nth(0).locator("button[name=action_open_form]").click()
    visit = dialog(seller)
    expect(visit.locator(".modal-title")).to_have_text("Visit")
    expect(visit.locator(".o_field_widget[name=partner_id]")).to_have_text(customers["A"])
    tab(visit, "expenses")
    expenses = visit.locator(".o_field_one2many[name=expense_ids]")
    expenses.locator(".o_field_x2many_list_row_add a").click()
    expense = expenses.locator("tr.o_selected_row")
    expense.locator(".o_field_widget[name=category] select").select_option(label="Meals")
    idle(seller)
    expense.locator(".o_field_widget[name=description] input").fill("Lunch with the buyer")
    amount = expense.locator(".o_field_widget[name=amount] input")
    amount.fill("25.50")
    idle(seller)
    expect(amount).to_have_value("25.50")
    # Done saves the visit (and its new expense) first.
    visit.locator(".o_statusbar_buttons button[name=action_done]").click()
    expect(dialog(seller)).to_have_count(0)
    expect(rows.nth(0).locator("td[name=state]")).to_have_text("Done")
    expect(rows.nth(0).locator("td[name=expense_amount]")).to_contain_text("25.50")
    assert_clean(seller)

    #    ... the second done in one tap on its row ...
    rows.nth(1).locator("button[name=action_done]").click()
    expect(rows.nth(1).locator("td[name=state]")).to_have_text("Done")
    expect(rows.nth(1).locator("button[name=action_done]")).to_have_count(0)
    expect(seller.locator(".o_field_widget[name=done_count] .o_stat_value")).to_have_text("2")
    assert_clean(seller)

    #    ... and the third not done, with the reason, from its own dialog: the
    #    dialogs close and the plan shows it not done at once.
    rows.nth(2).locator("button[name=action_open_form]").click()
    visit = dialog(seller)
    expect(visit.locator(".o_field_widget[name=partner_id]")).to_have_text(customers["C"])
    visit.locator(".o_statusbar_buttons button[name=action_open_missed]").click()
    reason = dialog(seller).last
    expect(reason.locator(".modal-title")).to_have_text("Not Done")
    reason.locator(".o_field_widget[name=reason] input").fill(MISSED_REASON)
    reason.locator(".modal-footer button[name=action_confirm]").click()
    expect(dialog(seller)).to_have_count(0)
    expect(rows.nth(2).locator("td[name=state]")).to_have_text("Not Done")
    assert_clean(seller)

    # 7. The salesperson writes the daily report and submits it.
    open_menu(seller, *DAILY_REPORTS)
    seller.locator(".o_control_panel .o_list_button_add").click()
    expect(seller.locator(".o_form_view .o_form_renderer.o_form_editable")).to_be_visible()
    # A new report says its figures come on save, instead of showing zeros.
    expect(seller.locator(".o_form_view .alert-info")).to_contain_text("Save the report")
    expect(seller.locator(".o_field_widget[name=visit_planned_count]")).to_be_hidden()
    tab(seller, "market")
    seller.locator(".o_field_widget[name=competitor_info] textarea").fill(
        "A competitor cut its price by 5% in the district.")
    tab(seller, "reflections")
    seller.locator(".o_field_widget[name=reflections] textarea").fill(
        "Call before visiting small shops.")
    save(seller)
    tab(seller, "results")
    # Prefilled on save from the day's visits.
    expect(seller.locator(".o_field_widget[name=visit_planned_count]")).to_have_text("3")
    expect(seller.locator(".o_field_widget[name=visit_done_count]")).to_have_text("2")
    expect(seller.locator(".o_field_widget[name=expense_amount]")).to_contain_text("25.50")
    click_header_button(seller, "action_submit", "Submitted")

    # 8. The supervisor scores the report, comments and approves it.
    open_menu(boss, *REPORTS_TO_SIGN_OFF)
    open_single_row(boss)
    expect(boss.locator(".o_field_widget[name=user_id]")).to_contain_text(
        salesperson.replace("_", " ").title())
    # One dialog: score, comments, approve.
    boss.locator(".o_form_statusbar .o_statusbar_buttons button", has_text="Sign Off").click()
    signoff = dialog(boss)
    expect(signoff.locator(".modal-title")).to_have_text("Sign Off")
    signoff.locator(".o_field_widget[name=quality_score] select").select_option(
        label="4 - Very Good")
    idle(boss)
    signoff.locator(".o_field_widget[name=comment] textarea").fill(
        "Good report; follow up on the price cut.")
    idle(boss)
    signoff.locator(".modal-footer button[name=action_approve]").click()
    expect(dialog(boss)).to_have_count(0)
    expect(status(boss)).to_have_text("Approved")
    tab(boss, "review")
    expect(boss.locator(".o_field_widget[name=quality_score]")).to_have_text("4 - Very Good")
    expect(boss.locator(".o_field_widget[name=review_comment]")).to_contain_text(
        "follow up on the price cut")
    assert_clean(boss)

    # 9. What the day left in the database.
    plans = odoo_rpc.env["sales.visit.plan"].search_read(
        [("user_id", "=", salesperson_id)],
        ["date", "state", "return_count", "submit_count", "approved_by_id"])
    assert len(plans) == 1
    day = today.isoformat()
    assert plans[0]["date"] == day
    assert plans[0]["state"] == "approved"
    assert (plans[0]["return_count"], plans[0]["submit_count"]) == (1, 2)
    assert plans[0]["approved_by_id"][0] == supervisor_id
    visits = odoo_rpc.env["sales.visit"].search_read(
        [("plan_id", "=", plans[0]["id"])],
        ["partner_id", "planned_start", "planned_stop", "purpose", "state", "missed_reason",
         "expense_amount", "planned"], order="planned_start")
    by_partner = {visit["partner_id"][0]: visit for visit in visits}
    assert len(visits) == 3 and all(visit["planned"] for visit in visits)
    # The salesperson was told the score and the comments.
    report_id = odoo_rpc.env["sales.daily.report"].search([("user_id", "=", salesperson_id)])[0]
    partner_id = odoo_rpc.env["res.users"].read([salesperson_id], ["partner_id"])[0][
        "partner_id"][0]
    told = odoo_rpc.env["mail.message"].search_read(
        [("model", "=", "sales.daily.report"), ("res_id", "=", report_id),
         ("partner_ids", "in", [partner_id])], ["body"])
    assert any("4 - Very Good" in m["body"] and "follow up on the price cut" in m["body"]
               for m in told), told
    # 09:00 in Shanghai is 01:00 UTC.
    assert [(v["planned_start"], v["planned_stop"]) for v in visits] == [
        (day + " 01:00:00", day + " 01:30:00"), (day + " 03:00:00", day + " 03:30:00"),
        (day + " 06:00:00", day + " 06:30:00")]
    assert [(by_partner[customer_ids[letter]]["purpose"],
             by_partner[customer_ids[letter]]["state"],
             by_partner[customer_ids[letter]]["expense_amount"]) for letter in "ABC"] == [
        ("order", "done", 25.5), ("collection", "done", 0.0), ("service", "missed", 0.0)]
    assert by_partner[customer_ids["C"]]["missed_reason"] == MISSED_REASON
    expenses = odoo_rpc.env["sales.visit.expense"].search_read(
        [("visit_id", "in", [visit["id"] for visit in visits])],
        ["category", "amount", "description"])
    assert [(e["category"], e["amount"], e["description"]) for e in expenses] == [
        ("meals", 25.5, "Lunch with the buyer")]
    reports = odoo_rpc.env["sales.daily.report"].search_read(
        [("user_id", "=", salesperson_id)],
        ["date", "state", "quality_score", "review_comment", "competitor_info", "reflections",
         "visit_planned_count", "visit_done_count", "expense_amount", "approved_by_id"])
    assert len(reports) == 1
    report = reports[0]
    assert (report["date"], report["state"], report["quality_score"]) == (
        day, "approved", "4")
    assert report["review_comment"] == "Good report; follow up on the price cut."
    assert "cut its price" in report["competitor_info"]
    assert report["reflections"] == "Call before visiting small shops."
    assert (report["visit_planned_count"], report["visit_done_count"],
            report["expense_amount"]) == (3, 2, 25.5)
    assert report["approved_by_id"][0] == supervisor_id
    for page in (seller, boss):
        assert_clean(page)
