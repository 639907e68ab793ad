"""End to end: one day of the daily loop, in the browser.

A salesperson plans three customer visits for today in the Visit Plans form and
submits the plan.  The supervisor returns it with a reason; the salesperson sees
the reason, changes a visit's purpose and submits again; the supervisor approves
it.  The salesperson records the results: two visits done (one with a meal
expense), one not done with the reason.  The salesperson writes the daily
report (its figures are prefilled from the visits) and submits it; the
supervisor scores it, comments on it and approves it.  The records are checked
over RPC at the end, and no step may show an error (dialog, JavaScript error,
HTTP 5xx).

Both users work in Shanghai (UTC+8), and so does their browser: the web client
shows datetimes in the browser's time zone, the server checks the visits are on
the plan's day in the salesperson's time zone.
"""

import datetime
import re
import time

import pytest
import pytz
from playwright.sync_api import expect

TZ = "Asia/Shanghai"
ROOT_MENU = "a[data-menu-xmlid='sales_process_mgmt.menu_root']"
BREADCRUMB = ".o_control_panel .breadcrumb"
STATUS = ".o_form_statusbar .o_statusbar_status button.btn-primary"
# What the crash manager shows (user errors, server errors) and failed validations.
ERRORS = ".o_dialog_warning, .o_dialog_error, .o_notification.o_error"
RETURN_REASON = "Visit customer C in the afternoon: it is a service call."
MISSED_REASON = "The shop was closed for inventory."


@pytest.fixture
def shanghai_browser(new_page):
    """Opens pages (one context per user) in a browser set to Shanghai time."""
    return lambda name: new_page(name, timezone_id=TZ)


# ---------------------------------------------------------------------- helpers

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


def _login(new_page, server, login):
    page = new_page(login.split("_")[1])
    page.goto(server + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login)
    page.click("button[type=submit]")
    page.locator(ROOT_MENU).wait_for()
    # Let the home action (Discuss) load before opening another one.
    page.locator(BREADCRUMB + " li").first.wait_for()
    _idle(page)
    return page


def _assert_clean(page):
    """No JS error, no HTTP 5xx, no error dialog or notification on screen."""
    assert page.spm_errors == []
    expect(page.locator(ERRORS)).to_have_count(0)


def _idle(page):
    """Wait for the web client's RPCs (onchanges...) to be answered: it marks
    itself with oe_wait as soon as one is sent."""
    expect(page.locator(".o_web_client.oe_wait")).to_have_count(0)


def _open_menu(page, xmlid, title):
    """Sales Process → ``xmlid`` (a side menu entry), whose action is ``title``
    (the calendar adds the period shown: "Visits (Week 48)")."""
    entry = page.locator(".oe_secondary_menu:visible a[data-menu-xmlid='%s']" % xmlid)
    if not entry.count():
        # Entering the app opens its first entry (a dashboard): let it load,
        # without error, before opening another one.
        page.locator(ROOT_MENU).click()
        entry.wait_for()
        _idle(page)
        _assert_clean(page)
    entry.click()
    expect(page.locator(BREADCRUMB)).to_have_text(
        re.compile(r"^%s( \(.+\))?$" % re.escape(title)))
    _assert_clean(page)


def _open_single_row(page):
    """Open the only record of the list on screen."""
    rows = page.locator(".o_list_view tbody tr.o_data_row")
    expect(rows).to_have_count(1)
    rows.click()
    page.locator(".o_form_view.o_form_readonly").wait_for()


def _header_button(scope, label):
    return scope.locator(".o_form_statusbar .o_statusbar_buttons").get_by_role(
        "button", name=label, exact=True)


def _click_header_button(page, label, new_state):
    _header_button(page, label).click()
    expect(page.locator(STATUS)).to_have_text(new_state)
    _assert_clean(page)


def _edit(page):
    page.locator(".o_control_panel .o_form_button_edit").click()
    page.locator(".o_form_view.o_form_editable").wait_for()


def _save(page):
    page.locator(".o_control_panel .o_form_button_save").click()
    page.locator(".o_form_view.o_form_readonly").wait_for()
    _assert_clean(page)


def _tab(scope, label):
    scope.locator(".o_notebook .nav-tabs a", has_text=label).click()


def report_id(rpc, user_id):
    return rpc.env["sales.daily.report"].search([("user_id", "=", user_id)])[0]


def partner_of(rpc, user_id):
    return rpc.env["res.users"].read([user_id], ["partner_id"])[0]["partner_id"][0]


# ------------------------------------------------------------------------- test

def test_daily_loop_plan_return_approve_record_report(odoo_rpc, odoo_server,
                                                      shanghai_browser):
    # 1. A team of two in Shanghai, led by the supervisor, and three customers.
    tag = str(int(time.time() * 1000))[-8:]
    supervisor = "e2e_supervisor_%s" % tag
    salesperson = "e2e_salesperson_%s" % tag
    supervisor_id = _user(odoo_rpc, supervisor, "sales_process_mgmt.group_supervisor")
    salesperson_id = _user(odoo_rpc, salesperson, "sales_process_mgmt.group_salesperson")
    team = odoo_rpc.env["crm.team"].create({"name": "E2E Team %s" % tag,
                                           "user_id": supervisor_id})
    odoo_rpc.env["res.users"].browse([supervisor_id, salesperson_id]).write(
        {"sale_team_id": team})
    customers = {letter: "E2E Customer %s %s" % (letter, tag) for letter in "ABC"}
    customer_ids = {letter: odoo_rpc.env["res.partner"].create({"name": name, "customer": True})
                    for letter, name in customers.items()}

    today = datetime.datetime.now(pytz.timezone(TZ)).date()

    def local(hour, minute):
        """A time of the plan's day as its visits table shows it."""
        return "%02d:%02d" % (hour, minute)

    # 2. The salesperson plans the day's three visits and submits the plan.
    seller = _login(shanghai_browser, odoo_server, salesperson)
    _open_menu(seller, "sales_process_mgmt.sales_visit_plan_menu", "Visit Plans")
    seller.locator(".o_control_panel .o_list_button_add").click()
    seller.locator(".o_form_view.o_form_editable").wait_for()
    expect(seller.locator(".o_field_widget[name=date] input")).to_have_value(
        today.strftime("%m/%d/%Y"))
    rows = seller.locator(".o_field_one2many[name=visit_ids] tbody tr.o_data_row")
    plan = [("A", (9, 0), (9, 30), "Order Taking"),
            ("B", (11, 0), (11, 30), "Collection"),
            ("C", (14, 0), (14, 30), "Market Research")]
    for count, (letter, start, stop, purpose) in enumerate(plan, 1):
        seller.locator(".o_field_one2many[name=visit_ids] "
                       ".o_field_x2many_list_row_add a").click()
        expect(rows).to_have_count(count)
        row = seller.locator(".o_field_one2many[name=visit_ids] tr.o_selected_row")
        expect(row.locator("td.o_readonly_modifier > [name=partner_id]"),
               "the new visit's Customer is read-only in the draft plan").to_have_count(0)
        row.locator(".o_field_widget[name=partner_id] input").fill(customers[letter])
        seller.locator("ul.ui-autocomplete:visible li a", has_text=customers[letter]).click()
        expect(row.locator(".o_field_widget[name=partner_id] input")).to_have_value(
            customers[letter])
        _idle(seller)  # the customer's onchange (area)
        # The plan has the day: a visit takes two times of it.
        row.locator("input[name=start_time]").fill(local(*start))
        row.locator("input[name=start_time]").press("Tab")
        row.locator("input[name=stop_time]").fill(local(*stop))
        row.locator("input[name=stop_time]").press("Tab")
        row.locator("select[name=purpose]").select_option(label=purpose)
        expect(row.locator("input[name=start_time]")).to_have_value(local(*start))
        expect(row.locator("input[name=stop_time]")).to_have_value(local(*stop))
        _idle(seller)
    _save(seller)
    expect(rows).to_have_count(3)
    for (letter, start, stop, purpose), row in zip(plan, rows.all(), strict=True):
        expect(row).to_contain_text(customers[letter])
        expect(row).to_contain_text(local(*start))
        expect(row).to_contain_text(local(*stop))
        expect(row).to_contain_text(purpose)
    # The whole table, with its buttons, fits the sheet at 1366 px.
    table = seller.locator(".o_field_one2many[name=visit_ids] table")
    sheet = seller.locator(".o_form_sheet")
    assert table.bounding_box()["width"] <= sheet.bounding_box()["width"]
    _click_header_button(seller, "Submit", "Submitted")
    expect(seller.locator(".o_form_view .alert-info")).to_contain_text("waits for approval")

    # 3. The supervisor returns the plan with a reason.
    boss = _login(shanghai_browser, odoo_server, supervisor)
    _open_menu(boss, "sales_process_mgmt.sales_visit_plan_menu_to_approve", "Plans to Approve")
    _open_single_row(boss)
    expect(boss.locator(".o_field_widget[name=user_id]")).to_contain_text(
        salesperson.replace("_", " ").title())
    _header_button(boss, "Return").click()
    dialog = boss.locator(".modal-dialog")
    dialog.locator("textarea[name=reason]").fill(RETURN_REASON)
    dialog.locator(".modal-footer").get_by_role("button", name="Return", exact=True).click()
    expect(boss.locator(".modal-dialog")).to_have_count(0)
    expect(boss.locator(STATUS)).to_have_text("Draft")
    _assert_clean(boss)

    # 4. The salesperson reads the reason, changes the third visit's purpose and
    #    submits the plan again.
    _open_menu(seller, "sales_process_mgmt.sales_visit_plan_menu", "Visit Plans")
    _open_single_row(seller)
    alert = seller.locator(".o_form_view .alert-warning")
    expect(alert).to_contain_text("Returned:")
    expect(alert).to_contain_text(RETURN_REASON)
    _edit(seller)
    rows.nth(2).locator("td.o_data_cell").nth(3).click()
    seller.locator("tr.o_selected_row select[name=purpose]").select_option(label="Service")
    _idle(seller)
    _save(seller)
    expect(rows.nth(2)).to_contain_text("Service")
    expect(alert).to_contain_text(RETURN_REASON)
    _click_header_button(seller, "Submit", "Submitted")
    expect(alert).to_be_hidden()

    # 5. The supervisor approves it.
    _open_menu(boss, "sales_process_mgmt.sales_visit_plan_menu_to_approve", "Plans to Approve")
    _open_single_row(boss)
    _click_header_button(boss, "Approve", "Approved")

    # 6. The salesperson records the results from the approved plan: the first
    #    visit done with a meal, the second done ...
    _open_menu(seller, "sales_process_mgmt.sales_visit_plan_menu", "Visit Plans")
    _open_single_row(seller)
    expect(seller.locator(STATUS)).to_have_text("Approved")
    dialog = seller.locator(".modal-dialog")
    rows.nth(0).locator("button[title='Record Result']").click()
    expect(dialog.locator(".modal-title")).to_have_text("Visit")
    expect(dialog.locator(".o_field_widget[name=partner_id]")).to_have_text(customers["A"])
    _tab(dialog, "Expenses")
    dialog.locator(".o_field_one2many[name=expense_ids] .o_field_x2many_list_row_add a").click()
    expense = dialog.locator(".o_field_one2many[name=expense_ids] tr.o_selected_row")
    expense.locator("select[name=category]").select_option(label="Meals")
    # An onchange answered late would reset the amount typed meanwhile.
    _idle(seller)
    expense.locator("input[name=description]").fill("Lunch with the buyer")
    expense.locator("input[name=description]").press("Tab")
    _idle(seller)
    amount = expense.locator(".o_field_widget[name=amount] input")
    amount.click()
    amount.fill("25.50")
    _idle(seller)
    # The amount is the row's last column: Tab would open a new line.
    expect(amount).to_have_value("25.50")
    dialog.locator(".modal-footer .o_form_button_save").click()
    dialog.locator(".o_form_view.o_form_readonly").wait_for()
    expect(dialog.locator(".o_field_widget[name=expense_amount]")).to_contain_text("25.50")
    _assert_clean(seller)
    _header_button(dialog, "Done").click()
    expect(dialog).to_have_count(0)
    state_cells = rows.locator("td.o_data_cell:nth-child(6)")
    expect(state_cells.nth(0)).to_have_text("Done")
    expect(rows.nth(0)).to_contain_text("25.50")
    _assert_clean(seller)

    #    ... the second done in one tap on its row ...
    rows.nth(1).locator("button[title='Done']").click()
    expect(state_cells.nth(1)).to_have_text("Done")
    expect(seller.locator(".o_stat_info .o_stat_value")).to_have_text("2")
    _assert_clean(seller)

    #    ... and the third not done, with the reason, from its own dialog: the
    #    dialogs close and the plan shows it not done at once.
    rows.nth(2).locator("button[title='Record Result']").click()
    expect(dialog.locator(".o_field_widget[name=partner_id]")).to_have_text(customers["C"])
    _header_button(dialog, "Not Done").click()
    reason = seller.locator(".modal-dialog")
    expect(reason.locator(".modal-title")).to_have_text("Not Done")
    reason.locator("input[name=reason]").fill(MISSED_REASON)
    reason.locator(".modal-footer button", has_text="Not Done").click()
    expect(seller.locator(".modal-dialog")).to_have_count(0)
    expect(state_cells.nth(2)).to_have_text("Not Done")
    _assert_clean(seller)

    # 7. The salesperson writes the daily report and submits it.
    _open_menu(seller, "sales_process_mgmt.sales_daily_report_menu", "Daily Reports")
    seller.locator(".o_control_panel .o_list_button_add").click()
    seller.locator(".o_form_view.o_form_editable").wait_for()
    # A new report says its figures come on save, instead of showing zeros.
    expect(seller.locator(".o_form_view .alert-info")).to_contain_text("Save the report")
    expect(seller.locator(".o_field_widget[name=visit_planned_count]")).to_be_hidden()
    _tab(seller, "Market Information")
    seller.locator("textarea[name=competitor_info]").fill(
        "A competitor cut its price by 5% in the district.")
    _tab(seller, "Reflections")
    seller.locator("textarea[name=reflections]").fill("Call before visiting small shops.")
    _save(seller)
    _tab(seller, "Results")
    # Prefilled on save from the day's visits.
    expect(seller.locator(".o_field_widget[name=visit_planned_count]")).to_have_text("3")
    expect(seller.locator(".o_field_widget[name=visit_done_count]")).to_have_text("2")
    _click_header_button(seller, "Submit", "Submitted")

    # 8. The supervisor scores the report, comments and approves it.
    _open_menu(boss, "sales_process_mgmt.sales_daily_report_menu_to_approve",
               "Reports to Sign Off")
    _open_single_row(boss)
    # One dialog: score, comments, approve.
    _header_button(boss, "Sign Off").click()
    signoff = boss.locator(".modal-dialog")
    signoff.locator("select[name=quality_score]").select_option(label="4 - Very Good")
    signoff.locator("textarea[name=comment]").fill("Good report; follow up on the price cut.")
    _idle(boss)
    signoff.locator(".modal-footer").get_by_role("button", name="Approve", exact=True).click()
    expect(boss.locator(".modal-dialog")).to_have_count(0)
    expect(boss.locator(STATUS)).to_have_text("Approved")
    _tab(boss, "Supervisor's Review")
    expect(boss.locator(".o_field_widget[name=quality_score]")).to_have_text("4 - Very Good")
    _assert_clean(boss)

    # 9. What the day left in the database.
    plans = odoo_rpc.env["sales.visit.plan"].search_read(
        [("user_id", "=", salesperson_id)],
        ["date", "state", "return_count", "submit_count", "approved_by_id"])
    assert len(plans) == 1
    assert plans[0]["date"] == today.isoformat()
    assert plans[0]["state"] == "approved"
    assert (plans[0]["return_count"], plans[0]["submit_count"]) == (1, 2)
    assert plans[0]["approved_by_id"][0] == supervisor_id
    visits = odoo_rpc.env["sales.visit"].search_read(
        [("plan_id", "=", plans[0]["id"])],
        ["partner_id", "planned_start", "planned_stop", "purpose", "state", "missed_reason",
         "expense_amount", "planned"])
    by_partner = {visit["partner_id"][0]: visit for visit in visits}
    assert len(visits) == 3 and all(visit["planned"] for visit in visits)
    day = today.isoformat()
    # The salesperson was told the score and the comments.
    told = odoo_rpc.env["mail.message"].search_read(
        [("model", "=", "sales.daily.report"), ("res_id", "=", report_id(odoo_rpc, salesperson_id)),
         ("partner_ids", "in", [partner_of(odoo_rpc, salesperson_id)])], ["body"])
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
        _assert_clean(page)
