"""A salesperson's day on a phone (390 x 844), in Odoo 11's web client.

Odoo 11's community web client is not made for phones: the addon hides the
left menu behind the navbar's toggle, stacks the form groups, and shows its
plans, visits and reports as kanban cards at that size.  The salesperson
opens the visit plans from the toggle, plans the day with two visits added
to the new, unsaved plan (it once failed: "invalid: Visit Plan"), marks one
visit done and the other not done with one tap on their cards, adds an
expense with a photo of the receipt from the visit's dialog, and submits the
daily report.  A screenshot
of each step is saved under ``tests/browser/screenshots/phone11/``; no step
may show an error.
"""

import datetime
import struct
import time
import zlib
from pathlib import Path

import pytest
import pytz
from playwright.sync_api import expect

TZ = "Asia/Shanghai"
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parent / "screenshots" / "phone11"
ERRORS = ".o_dialog_warning, .o_dialog_error, .o_notification.o_error"
DIALOG = ".modal-dialog"
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


def _idle(page):
    expect(page.locator(".o_web_client.oe_wait")).to_have_count(0)


def _assert_clean(page):
    assert page.spm_errors == []
    expect(page.locator(ERRORS)).to_have_count(0)


def _open_menu(page, xmlid):
    """Sales Process → ``xmlid`` from the navbar's toggle: the left menu is
    hidden on a phone, and closes again once an entry is chosen."""
    sub_menu = page.locator(".o_sub_menu")
    expect(sub_menu).to_be_hidden()
    page.locator("#oe_main_menu_navbar .navbar-toggle").click()
    root = page.locator(".oe_application_menu_placeholder "
                        "a[data-menu-xmlid='sales_process_mgmt.menu_root']")
    entry = sub_menu.locator("a[data-menu-xmlid='%s']" % xmlid)
    if not entry.is_visible():
        root.click()
    entry.click()
    expect(sub_menu).to_be_hidden()
    expect(page.locator(".o_main_content")).to_be_visible()
    _idle(page)
    _assert_clean(page)


def test_salesperson_day_on_a_phone(odoo_rpc, odoo_server, phone, tmp_path):
    tag = str(int(time.time() * 1000))[-8:]
    users = {}
    for role in ("salesperson", "supervisor"):
        login = "phone_%s_%s" % (role, tag)
        users[role] = odoo_rpc.env["res.users"].with_context(no_reset_password=True).create({
            "name": login.replace("_", " ").title(), "login": login, "password": login,
            "email": "%s@example.com" % login, "tz": TZ,
            "groups_id": [(6, 0, [odoo_rpc.env.ref("base.group_user").id,
                                  odoo_rpc.env.ref("sales_process_mgmt.group_%s" % role).id])],
        })
    # The supervisor leads the team and approves the salesperson's documents.
    team = odoo_rpc.env["crm.team"].create({"name": "Phone Team %s" % tag,
                                           "user_id": users["supervisor"]})
    odoo_rpc.env["res.users"].browse(list(users.values())).write({"sale_team_id": team})
    customer = "Phone Customer %s" % tag
    other = "Phone Shop %s" % tag
    for name in (customer, other):
        odoo_rpc.env["res.partner"].create({"name": name, "customer": True, "city": "Shanghai"})
    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(_png())
    today = datetime.datetime.now(pytz.timezone(TZ)).date()

    page = phone
    login = "phone_salesperson_%s" % tag
    page.goto(odoo_server + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login)
    page.click("button[type=submit]")
    page.locator(".o_main_content .o_mail_chat").wait_for()  # Discuss, the home action
    _idle(page)
    _shot(page, "01_home")

    # 1. The plans are cards on a phone; a new plan, two visits added before
    #    the plan is saved.
    _open_menu(page, "sales_process_mgmt.sales_visit_plan_menu")
    page.locator(".o_kanban_view").wait_for()
    _shot(page, "02_plans")
    page.locator(".o_control_panel .o-kanban-button-new").click()
    page.locator(".o_form_view.o_form_editable").wait_for()
    _idle(page)
    visits = page.locator(".o_field_one2many[name=visit_ids]")
    for name, hour in ((customer, 10), (other, 14)):
        visits.locator(".o-kanban-button-new").click()
        visit = page.locator(DIALOG).last
        visit.locator(".o_field_widget[name=partner_id] input").fill(name)
        page.locator("ul.ui-autocomplete:visible li a", has_text=name).click()
        _idle(page)
        start = visit.locator("input[name=planned_start]")
        start.fill(today.strftime("%m/%d/%Y") + " %02d:00:00" % hour)
        start.press("Tab")
        _idle(page)
        # The groups are stacked: the Result fields are on the screen.
        box = visit.locator(".o_field_widget[name=actual_start]").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        if hour == 10:
            _shot(page, "03_visit")
        visit.locator(".modal-footer button", has_text="Save & Close").click()
        expect(page.locator(DIALOG)).to_have_count(0)
        _assert_clean(page)
        expect(visits.locator(".o_kanban_record", has_text=name)).to_have_count(1)
    card = visits.locator(".o_kanban_record", has_text=customer)
    other_card = visits.locator(".o_kanban_record", has_text=other)
    page.locator(".o_control_panel .o_form_button_save").click()
    page.locator(".o_form_view.o_form_readonly").wait_for()
    _idle(page)
    _assert_clean(page)
    # Nothing is wider than the phone (the sheet, the chatter, the cards).
    assert page.evaluate("() => document.querySelector('.o_main_content .o_content')"
                         ".scrollWidth") <= PHONE["width"]
    _shot(page, "04_plan")

    # 2. Done in one tap on the first visit's card.
    card.locator("button.o_spm_visit_done").click()
    expect(card.locator(".o_field_widget[name=state]")).to_have_text("Done")
    expect(card.locator("button.o_spm_visit_done")).to_have_count(0)
    _idle(page)
    _assert_clean(page)
    # Not Done in one tap, and the reason.
    other_card.locator("button.o_spm_visit_missed").click()
    page.locator(DIALOG).last.locator("input[name=reason]").fill(MISSED_REASON)
    page.locator(DIALOG).last.locator(".modal-footer button", has_text="Not Done").click()
    page.locator(".o_form_view.o_form_readonly").wait_for()
    expect(other_card.locator(".o_field_widget[name=state]")).to_have_text("Not Done")
    expect(other_card).to_contain_text(MISSED_REASON)
    expect(card.locator(".o_field_widget[name=state]")).to_have_text("Done")
    _idle(page)
    _assert_clean(page)
    _shot(page, "05_done")

    # 3. An expense with the photo of its receipt, from the visit's dialog.
    card.locator("button.o_spm_visit_result").click()
    visit = page.locator(DIALOG).last
    visit.locator(".o_notebook .nav-tabs a", has_text="Expenses").click()
    visit.locator(".o_field_one2many[name=expense_ids] .o-kanban-button-new").click()
    expense = page.locator(DIALOG).last
    expense.locator("select[name=category]").select_option(label="Meals")
    expense.locator("input.o_field_widget[name=amount], "
                    ".o_field_widget[name=amount] input").first.fill("25.50")
    expense.locator("input[name=description]").fill("Lunch with the buyer")
    photo = expense.locator(".o_field_widget[name=receipt] input.o_input_file")
    expect(photo).to_have_attribute("accept", "image/*")
    photo.set_input_files(str(receipt))
    expect(expense.locator(".o_field_widget[name=receipt] img[src^='data:image']")).to_have_count(1)
    _shot(page, "06_expense")
    expense.locator(".modal-footer button", has_text="Save & Close").click()
    new_expense = visit.locator(".o_field_one2many[name=expense_ids] .o_kanban_record",
                                has_text="Lunch with the buyer")
    expect(new_expense).to_have_count(1)
    # The photo shows on the card of the expense before it is saved.
    expect(new_expense.locator("img[src^='data:image']")).to_have_count(1)
    assert new_expense.locator("img").evaluate("img => img.naturalWidth") == 40
    visit.locator(".modal-footer button", has_text="Save").first.click()
    _idle(page)
    _assert_clean(page)
    _shot(page, "07_expense_saved")
    expect(visit.locator(".o_form_view.o_form_readonly")).to_have_count(1)
    visit.locator(".modal-header .close").click()
    expect(page.locator(DIALOG)).to_have_count(0)

    # 4. The daily report, submitted.
    _open_menu(page, "sales_process_mgmt.sales_daily_report_menu")
    page.locator(".o_kanban_view").wait_for()
    page.locator(".o_control_panel .o-kanban-button-new").click()
    page.locator(".o_form_view.o_form_editable").wait_for()
    _idle(page)
    page.locator(".o_control_panel .o_form_button_save").click()
    page.locator(".o_form_view.o_form_readonly").wait_for()
    _idle(page)
    page.locator(".o_form_statusbar .o_statusbar_buttons").get_by_role(
        "button", name="Submit", exact=True).click()
    expect(page.locator(".o_form_statusbar .o_statusbar_status button.btn-primary")).to_have_text(
        "Submitted")
    _assert_clean(page)
    _shot(page, "08_report")

    [plan] = odoo_rpc.env["sales.visit.plan"].search_read(
        [("user_id", "=", users["salesperson"])], ["visit_ids"])
    visit_values, other_values = odoo_rpc.env["sales.visit"].read(
        plan["visit_ids"], ["state", "expense_ids", "missed_reason"])
    assert visit_values["state"] == "done"
    assert (other_values["state"], other_values["missed_reason"]) == ("missed", MISSED_REASON)
    [expense_values] = odoo_rpc.env["sales.visit.expense"].read(
        visit_values["expense_ids"], ["category", "amount", "receipt"])
    assert (expense_values["category"], expense_values["amount"]) == ("meals", 25.5)
    assert expense_values["receipt"]
    [report] = odoo_rpc.env["sales.daily.report"].search_read(
        [("user_id", "=", users["salesperson"])], ["state", "visit_done_count", "expense_amount"])
    assert (report["state"], report["visit_done_count"], report["expense_amount"]) == (
        "submitted", 1, 25.5)
