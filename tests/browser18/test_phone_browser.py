"""A salesperson's day on a phone (390 x 844), in Odoo 18's web client.

The salesperson opens the visit plans (kanban cards on a phone), plans the day
with two visits added to the new, unsaved plan (it once failed: "invalid:
Visit Plan"), marks one visit done and the other not done with one tap on
their cards, adds an expense with a photo of the receipt from the visit's
dialog (it once failed too), and submits the daily report.  A screenshot of each step is saved under
``tests/browser/screenshots/phone18/``; no step may show an error.
"""

import datetime
import struct
import time
import zlib
from pathlib import Path

import pytest
import pytz
from playwright.sync_api import expect
from web18 import assert_clean, idle, login

TZ = "Asia/Shanghai"
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parent.parent / "browser" / "screenshots" / "phone18"
DIALOG = ".o_dialog"
MISSED_REASON = "The shop was closed for inventory."


def _png(width=40, height=30):
    """A small PNG: the photo of the receipt."""
    raw = b"".join(b"\x00" + bytes([200, 120, 40]) * width for _ in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def phone(new_page):
    """A page in a phone-sized, touch browser set to Shanghai time."""
    return new_page("phone", viewport=PHONE, is_mobile=True, has_touch=True,
                    timezone_id=TZ)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / ("%s.png" % name)))


def _pick(page, scope, field, name):
    """Choose ``name`` in the many2one ``field``: on a phone it opens a search
    dialog."""
    scope.locator(".o_field_widget[name=%s] input" % field).click()
    search = page.locator(DIALOG).last
    search.locator(".o_kanban_view").wait_for()
    search.locator(".o_control_panel button:has(.fa-search)").click()
    search.locator(".o_searchview_input").fill(name)
    search.locator(".o_searchview_input").press("Enter")
    search.locator(".o_kanban_record", has_text=name).first.click()
    expect(scope.locator(".o_field_widget[name=%s] input" % field)).to_have_value(name)
    idle(page)


def test_salesperson_day_on_a_phone(odoo_rpc, odoo_server, phone, tmp_path):
    tag = str(int(time.time() * 1000))[-8:]
    login_name = "phone_salesperson_%s" % tag
    customer = "Phone Customer %s" % tag
    users = {}
    for role in ("salesperson", "supervisor"):
        user_login = "phone_%s_%s" % (role, tag)
        users[role] = odoo_rpc.env["res.users"].with_context(no_reset_password=True).create({
            "name": user_login.replace("_", " ").title(), "login": user_login,
            "password": user_login, "email": "%s@example.com" % user_login, "tz": TZ,
            "groups_id": [(6, 0, [odoo_rpc.env.ref("base.group_user").id,
                                  odoo_rpc.env.ref("sales_process_mgmt.group_%s" % role).id])],
        })
    # The supervisor leads the team and approves the salesperson's documents.
    odoo_rpc.env["crm.team"].create({
        "name": "Phone Team %s" % tag, "user_id": users["supervisor"],
        "member_ids": [(6, 0, list(users.values()))]})
    other = "Phone Shop %s" % tag
    for name in (customer, other):
        odoo_rpc.env["res.partner"].create({"name": name, "city": "Shanghai"})
    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(_png())
    today = datetime.datetime.now(pytz.timezone(TZ)).date()

    page = login(phone, odoo_server, login_name)
    _shot(page, "01_home")

    # 1. The plans are cards on a phone; a new plan, two visits added before
    #    the plan is saved.
    page.goto(odoo_server + "/odoo/action-sales_process_mgmt.sales_visit_plan_action")
    page.locator(".o_kanban_view").wait_for()
    idle(page)
    _shot(page, "02_plans")
    page.locator(".o_control_panel .o-kanban-button-new").click()
    page.locator(".o_form_view").wait_for()
    idle(page)
    visits = page.locator(".o_field_one2many[name=visit_ids]")
    for name, hour in ((customer, 10), (other, 14)):
        visits.locator(".o-kanban-button-new").click()
        # The visit's dialog (the customer's search dialog opens above it).
        visit = page.locator(DIALOG, has=page.locator(".o_field_widget[name=purpose]")).last
        visit.locator(".o_field_widget[name=purpose]").wait_for()
        _pick(page, visit, "partner_id", name)
        start = visit.locator(".o_field_widget[name=planned_start] input")
        start.fill(today.strftime("%m/%d/%Y") + " %02d:00:00" % hour)
        start.press("Enter")
        idle(page)
        if hour == 10:
            _shot(page, "03_visit")
        visit.locator(".modal-footer button", has_text="Save & Close").click()
        expect(page.locator(DIALOG)).to_have_count(0)
        assert_clean(page)
        expect(visits.locator(".o_kanban_record", has_text=name)).to_have_count(1)
    card = visits.locator(".o_kanban_record", has_text=customer)
    other_card = visits.locator(".o_kanban_record", has_text=other)
    page.locator(".o_form_button_save").click()
    idle(page)
    assert_clean(page)
    _shot(page, "04_plan")

    # 2. Done in one tap on the first visit's card.
    card.locator("button.o_spm_visit_done").click()
    expect(card.locator(".o_field_widget[name=state]")).to_have_text("Done")
    expect(card.locator("button.o_spm_visit_done")).to_have_count(0)
    idle(page)
    assert_clean(page)
    # Not Done in one tap, and the reason.
    other_card.locator("button.o_spm_visit_missed").click()
    page.locator(DIALOG).last.locator(".o_field_widget[name=reason] input").fill(MISSED_REASON)
    page.locator(DIALOG).last.locator(".modal-footer button", has_text="Not Done").click()
    expect(other_card.locator(".o_field_widget[name=state]")).to_have_text("Not Done")
    expect(other_card).to_contain_text(MISSED_REASON)
    expect(card.locator(".o_field_widget[name=state]")).to_have_text("Done")
    idle(page)
    assert_clean(page)
    _shot(page, "05_done")

    # 3. An expense with the photo of its receipt, from the visit's dialog.
    card.locator("button.o_spm_visit_result").click()
    visit = page.locator(DIALOG).last
    visit.locator(".o_notebook .nav-tabs a", has_text="Expenses").click()
    visit.locator(".o_field_one2many[name=expense_ids] .o-kanban-button-new").click()
    expense = page.locator(DIALOG).last
    expense.locator(".o_field_widget[name=category] select").select_option(label="Meals")
    expense.locator(".o_field_widget[name=amount] input").fill("25.50")
    expense.locator(".o_field_widget[name=description] input").fill("Lunch with the buyer")
    expense.locator(".o_field_widget[name=receipt] input[type=file]").set_input_files(
        str(receipt))
    expect(expense.locator(".o_field_widget[name=receipt] img")).to_have_count(1)
    idle(page)
    _shot(page, "06_expense")
    expense.locator(".modal-footer button", has_text="Save & Close").click()
    expect(visit.locator(".o_field_one2many[name=expense_ids] .o_kanban_record",
                              has_text="Lunch with the buyer")).to_have_count(1)
    visit.locator(".modal-footer button", has_text="Save").first.click()
    expect(page.locator(DIALOG)).to_have_count(0)
    idle(page)
    assert_clean(page)
    expect(card).to_contain_text("25.50")
    _shot(page, "07_expense_saved")

    # 4. The daily report, submitted.
    page.goto(odoo_server + "/odoo/action-sales_process_mgmt.sales_daily_report_action")
    page.locator(".o_kanban_view").wait_for()
    idle(page)
    page.locator(".o_control_panel .o-kanban-button-new").click()
    page.locator(".o_form_view").wait_for()
    idle(page)
    page.locator(".o_form_button_save").click()
    idle(page)
    assert_clean(page)
    # On a phone the header's buttons are in the gear menu.
    page.locator(".o_control_panel .o_cp_action_menus button:has(.fa-cog)").click()
    page.locator(".o-dropdown--menu").get_by_text("Submit", exact=True).click()
    expect(page.locator(".o_form_statusbar .o_arrow_button_current")).to_have_text("Submitted")
    idle(page)
    assert_clean(page)
    _shot(page, "08_report")

    user = [users["salesperson"]]
    [plan] = odoo_rpc.env["sales.visit.plan"].search_read(
        [("user_id", "in", user)], ["visit_ids"])
    visit_values, other_values = odoo_rpc.env["sales.visit"].read(
        plan["visit_ids"], ["state", "expense_ids", "missed_reason"])
    assert visit_values["state"] == "done"
    assert (other_values["state"], other_values["missed_reason"]) == ("missed", MISSED_REASON)
    [expense_values] = odoo_rpc.env["sales.visit.expense"].read(
        visit_values["expense_ids"], ["category", "amount", "receipt"])
    assert (expense_values["category"], expense_values["amount"]) == ("meals", 25.5)
    assert expense_values["receipt"]
    [report] = odoo_rpc.env["sales.daily.report"].search_read(
        [("user_id", "in", user)], ["state", "visit_done_count", "expense_amount"])
    assert (report["state"], report["visit_done_count"], report["expense_amount"]) == (
        "submitted", 1, 25.5)
