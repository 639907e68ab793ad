"""Check-in on site on a phone (390 x 844), in Odoo 11's web client.

The browser shares a simulated location (Playwright grants the permission the
browser asks for).  The salesperson opens today's plan and taps *Check In* on
the card of a visit to a customer by Hangzhou's West Lake, 111 m from it: not
flagged; then, 5 km away, on the card of another customer there: flagged.
The supervisor sees the flag on the plan's visits.  Screenshots under
``tests/browser/screenshots/phone11/``.
"""

import datetime
import re
import time
from pathlib import Path

import pytest
import pytz
from playwright.sync_api import expect

TZ = "Asia/Shanghai"
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parent / "screenshots" / "phone11"
ERRORS = ".o_dialog_warning, .o_dialog_error, .o_notification.o_error"
DIALOG = ".modal-dialog"
WEST_LAKE = {"latitude": 30.2431, "longitude": 120.1503}
NEAR = {"latitude": 30.2441, "longitude": 120.1503, "accuracy": 20}
FAR = {"latitude": 30.288066, "longitude": 120.1503, "accuracy": 20}  # 5 km north


@pytest.fixture
def phone(new_page):
    """A phone-sized, touch browser in Shanghai time that shares its location."""
    return new_page("phone", viewport=PHONE, is_mobile=True, has_touch=True,
                    timezone_id=TZ, permissions=["geolocation"], geolocation=NEAR)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / ("%s.png" % name)))


def _idle(page):
    expect(page.locator(".o_web_client.oe_wait")).to_have_count(0)


def _assert_clean(page):
    assert page.spm_errors == []
    expect(page.locator(ERRORS)).to_have_count(0)


def _login(page, server, login):
    page.goto(server + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login)
    page.click("button[type=submit]")
    page.locator(".o_main_content .o_mail_chat").wait_for()  # Discuss, the home action
    _idle(page)
    _assert_clean(page)


def test_check_in_near_and_far_on_a_phone(odoo_rpc, odoo_server, phone, new_page):
    tag = str(int(time.time() * 1000))[-8:]
    env = odoo_rpc.env
    users = {}
    for role in ("salesperson", "supervisor"):
        user_login = "checkin_%s_%s" % (role, tag)
        users[role] = env["res.users"].with_context(no_reset_password=True).create({
            "name": user_login.replace("_", " ").title(), "login": user_login,
            "password": user_login, "email": "%s@example.com" % user_login, "tz": TZ,
            "groups_id": [(6, 0, [env.ref("base.group_user").id,
                                  env.ref("sales_process_mgmt.group_%s" % role).id])],
        })
    team = env["crm.team"].create({"name": "Check-in Team %s" % tag,
                                   "user_id": users["supervisor"]})
    env["res.users"].browse(list(users.values())).write({"sale_team_id": team})
    near, far = "Lakeside Tea %s" % tag, "Lakeside Books %s" % tag
    customers = [env["res.partner"].create({
        "name": name, "customer": True, "city": "Hangzhou",
        "partner_latitude": WEST_LAKE["latitude"],
        "partner_longitude": WEST_LAKE["longitude"]}) for name in (near, far)]
    now = datetime.datetime.utcnow().replace(second=0, microsecond=0)
    start = now - datetime.timedelta(minutes=10)
    today = pytz.utc.localize(start).astimezone(pytz.timezone(TZ)).date()
    moment = "%Y-%m-%d %H:%M:%S"
    plan_id = env["sales.visit.plan"].create({
        "user_id": users["salesperson"], "team_id": team, "date": str(today),
        "visit_ids": [(0, 0, {"partner_id": customer, "purpose": "order",
                              "planned_start": start.strftime(moment),
                              "planned_stop": (now + datetime.timedelta(minutes=50)).strftime(
                                  moment)}) for customer in customers]})

    page = phone
    _login(page, odoo_server, "checkin_salesperson_%s" % tag)
    page.goto(odoo_server + "/web#id=%d&model=sales.visit.plan&view_type=form" % plan_id)
    page.locator(".o_form_view.o_form_readonly").wait_for()
    _idle(page)
    visits = page.locator(".o_field_one2many[name=visit_ids]")
    near_card = visits.locator(".o_kanban_record", has_text=near)
    far_card = visits.locator(".o_kanban_record", has_text=far)

    # Near the customer: checked in, not flagged.
    near_card.locator("button.o_spm_check_in_button").click()
    expect(page.locator(".o_notification", has_text="111 m from the customer")).to_have_count(1)
    expect(near_card.locator(".o_spm_check_in_info")).to_have_count(1)
    expect(near_card.locator(".o_spm_check_in_flag")).to_have_count(0)
    expect(near_card.locator("button.o_spm_check_out_button")).to_have_count(1)
    _idle(page)
    _assert_clean(page)

    # 5 km away: flagged for the supervisor.
    page.context.set_geolocation(FAR)
    far_card.locator("button.o_spm_check_in_button").click()
    expect(far_card.locator(".o_spm_check_in_flag")).to_contain_text(
        "checked in 5.0 km from the customer")
    _idle(page)
    _assert_clean(page)
    _shot(page, "09_check_in_cards")
    # The visit's dialog: where, how far, why flagged; the photo from the camera.
    far_card.locator("button.o_spm_visit_result").click()
    dialog = page.locator(DIALOG).last
    expect(dialog.locator(".o_field_widget[name=check_in_flag_reason]")).to_contain_text(
        "5.0 km")
    expect(dialog.locator(".o_field_widget[name=check_in_photo] input.o_input_file")
           ).to_have_attribute("accept", "image/*")
    _idle(page)
    assert page.evaluate("() => document.querySelector('.modal-dialog').scrollWidth") \
        <= PHONE["width"]
    expect(page.locator(".o_notification")).to_have_count(0, timeout=20000)
    page.mouse.move(5, PHONE["height"] - 5)  # no tooltip over the dialog
    _shot(page, "10_check_in_visit")
    dialog.locator(".modal-header .close").click()
    expect(page.locator(DIALOG)).to_have_count(0)
    _assert_clean(page)

    values = {visit["partner_id"][0]: visit for visit in env["sales.visit"].search_read(
        [("plan_id", "=", plan_id)],
        ["partner_id", "check_in_at", "check_in_distance", "check_in_flagged",
         "check_in_located", "check_in_accuracy"])}
    near_values, far_values = values[customers[0]], values[customers[1]]
    assert near_values["check_in_located"] and not near_values["check_in_flagged"]
    assert near_values["check_in_distance"] == pytest.approx(111, abs=2)
    assert near_values["check_in_accuracy"] == 20
    assert far_values["check_in_flagged"]
    assert far_values["check_in_distance"] == pytest.approx(5000, rel=0.01)

    # In the visit's form being edited, Check Out keeps what was typed.
    page.goto(odoo_server + "/web#id=%d&model=sales.visit&view_type=form" % far_values["id"])
    page.locator(".o_form_view.o_form_readonly").wait_for()
    _idle(page)
    page.locator(".o_form_button_edit").click()
    page.locator(".o_field_widget[name=outcome]").fill("Ordered green tea")
    page.locator("button.o_spm_check_out_button").click()
    expect(page.locator(".o_notification", has_text="Checked out at")).to_have_count(1)
    expect(page.locator("button.o_spm_check_out_button")).to_have_count(0)
    expect(page.locator(".o_field_widget[name=outcome]")).to_have_value("Ordered green tea")
    page.locator(".o_form_button_save").click()
    page.locator(".o_form_view.o_form_readonly").wait_for()
    _idle(page)
    _assert_clean(page)
    assert env["sales.visit"].browse(far_values["id"]).read(["outcome", "check_out_at"])[0][
        "outcome"] == "Ordered green tea"

    # The supervisor sees the flag on the plan (desktop).
    desk = new_page("supervisor", timezone_id=TZ)
    _login(desk, odoo_server, "checkin_supervisor_%s" % tag)
    desk.goto(odoo_server + "/web#id=%d&model=sales.visit.plan&view_type=form" % plan_id)
    desk.locator(".o_form_view.o_form_readonly").wait_for()
    _idle(desk)
    rows = desk.locator(".o_field_one2many[name=visit_ids] tr.o_data_row")
    expect(rows.filter(has_text=far)).to_have_class(re.compile(r"\btext-danger\b"))
    expect(rows.filter(has_text=far)).to_contain_text("checked in 5.0 km from the customer")
    expect(rows.filter(has_text=near)).not_to_have_class(re.compile(r"\btext-danger\b"))
    _assert_clean(desk)
    # She does not check in or out for the salesperson: no button on the visit.
    desk.goto(odoo_server + "/web#id=%d&model=sales.visit&view_type=form" % near_values["id"])
    desk.locator(".o_form_view.o_form_readonly "
                 ".o_field_widget[name=check_in_at]:not(.o_invisible_modifier)").wait_for()
    _idle(desk)
    expect(desk.locator(".o_spm_check_in button")).to_have_count(0)
    _assert_clean(desk)


HANGING_LOCATION = """navigator.geolocation.getCurrentPosition = function () {};"""


def test_an_unanswered_location_prompt_gives_up(odoo_rpc, odoo_server, new_page):
    """The browser's location prompt never answered (the browser's own timeout
    only starts after it): after 25 s the check-in is recorded without
    location."""
    tag = str(int(time.time() * 1000))[-8:]
    env = odoo_rpc.env
    user_login = "checkin_prompt_%s" % tag
    user_id = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Checkin Prompt %s" % tag, "login": user_login, "password": user_login,
        "email": "%s@example.com" % user_login, "tz": TZ,
        "groups_id": [(6, 0, [env.ref("base.group_user").id,
                              env.ref("sales_process_mgmt.group_salesperson").id])]})
    customer = env["res.partner"].create({"name": "Prompt Tea %s" % tag, "customer": True})
    now = datetime.datetime.utcnow().replace(second=0, microsecond=0)
    today = pytz.utc.localize(now).astimezone(pytz.timezone(TZ)).date()
    plan_id = env["sales.visit.plan"].create({
        "user_id": user_id, "date": str(today), "visit_ids": [(0, 0, {
            "partner_id": customer, "purpose": "order",
            "planned_start": now.strftime("%Y-%m-%d %H:%M:%S"),
            "planned_stop": (now + datetime.timedelta(hours=1)).strftime(
                "%Y-%m-%d %H:%M:%S")})]})
    visit_id = env["sales.visit"].search([("plan_id", "=", plan_id)])[0]
    page = new_page("prompt", viewport=PHONE, is_mobile=True, has_touch=True,
                    timezone_id=TZ)
    page.add_init_script(HANGING_LOCATION)
    _login(page, odoo_server, user_login)
    page.goto(odoo_server + "/web#id=%d&model=sales.visit&view_type=form" % visit_id)
    page.locator(".o_form_view.o_form_readonly").wait_for()
    _idle(page)
    page.locator("button.o_spm_check_in_button").click()
    expect(page.locator(".o_notification", has_text="without location")).to_have_count(
        1, timeout=40000)
    _assert_clean(page)
    assert env["sales.visit"].read([visit_id], ["check_in_at", "check_in_located"])[0][
        "check_in_located"] is False
