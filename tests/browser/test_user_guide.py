"""The user guide's screenshots, taken on the demo database by the demo users
(see docs/guide/): each role walks through the screens of its routine, and
each screen must open without an error.  The suite writes the screenshots to
a folder of its own (tests/browser/screenshots/guide/, not tracked), so that a
test run leaves the repository as it was; ``setup/screenshots`` runs these
tests with ``SPM_GUIDE_IMAGES=docs/guide/images`` to update the guide."""

import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
IMAGES = Path(os.environ.get("SPM_GUIDE_IMAGES")
              or ROOT / "tests" / "browser" / "screenshots" / "guide")
if not IMAGES.is_absolute():
    IMAGES = ROOT / IMAGES
ROOT_MENU = ".oe_application_menu_placeholder a[data-menu-xmlid='sales_process_mgmt.menu_root']"
ERRORS = ".modal .o_dialog_warning, .modal-title:has-text('Error'), .o_notification.o_error"

# role: [(screenshot name, side menu entry, open the first record?)]
ROUTINES = {
    "salesperson": [
        ("my-day", "dashboard_my_day_menu", False),
        ("visit-plan", "sales_visit_plan_menu", True),
        ("visits", "sales_visit_menu", False),
        ("daily-report", "sales_daily_report_menu", True),
        ("market-reports", "sales_market_report_menu", False),
    ],
    "supervisor": [
        ("team-week", "dashboard_team_week_menu", False),
        ("plans-to-approve", "sales_visit_plan_menu_to_approve", False),
        ("report-to-sign-off", "sales_daily_report_menu_to_approve", True),
        ("efficiency", "sales_efficiency_report_menu", False),
        ("weekly-report", "sales_weekly_report_menu", True),
        ("meetings", "sales_meeting_menu", False),
    ],
    "director": [
        ("this-month", "dashboard_director_month_menu", False),
        ("whole-picture", "dashboard_whole_picture_menu", False),
        ("targets", "sales_target_line_menu", False),
        ("report-kpi", "sales_report_kpi_menu", False),
    ],
    "executive": [
        ("results", "dashboard_results_menu", False),
    ],
}


@pytest.fixture
def guide_page(new_page):
    return new_page("guide", viewport={"width": 1366, "height": 820},
                    timezone_id="Asia/Shanghai")


def _login(page, server, login):
    page.goto(server + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login)
    page.click("button[type=submit]")
    page.locator(ROOT_MENU).wait_for()
    page.locator(ROOT_MENU).click()


def _settle(page):
    """The web client answered its calls and drew the view."""
    expect(page.locator(".o_web_client.oe_wait")).to_have_count(0)
    page.locator(".o_content > *").first.wait_for()
    page.wait_for_timeout(400)
    assert page.spm_errors == []
    expect(page.locator(ERRORS)).to_have_count(0)


@pytest.mark.parametrize("role", sorted(ROUTINES))
def test_routine_screens(demo_server, guide_page, role):
    IMAGES.mkdir(parents=True, exist_ok=True)
    page = guide_page
    _login(page, demo_server, role)
    for number, (name, menu, open_first) in enumerate(ROUTINES[role], 1):
        entry = page.locator(".oe_secondary_menu:visible "
                             "a[data-menu-xmlid='sales_process_mgmt.%s']" % menu)
        entry.click()
        _settle(page)
        if open_first:
            rows = page.locator(".o_list_view tbody tr.o_data_row")
            expect(rows.first).to_be_visible()
            rows.first.click()
            page.locator(".o_form_view").wait_for()
            _settle(page)
        page.screenshot(path=str(IMAGES / ("%s-%d-%s.png" % (role, number, name))))


def test_a_chinese_salesperson_works_in_chinese(demo_database, demo_server, guide_page):
    """A salesperson whose language is Simplified Chinese finds the menus in
    Chinese (the addon's zh_CN translation, loaded as Settings > Translations
    does)."""
    import odoorpc

    port = int(demo_server.rsplit(":", 1)[1])
    rpc = odoorpc.ODOO("127.0.0.1", port=port, timeout=300)
    rpc.login(demo_database[0], "admin", "admin")
    rpc.env["res.lang"].load_lang("zh_CN")
    # load_module_terms is not an @api.model method: its first argument is ids.
    rpc.execute("ir.translation", "load_module_terms", [],
                ["base", "web", "sales_process_mgmt"], ["zh_CN"])
    salesperson = rpc.env.ref("sales_process_mgmt.user_salesperson_demo")
    rpc.env["res.users"].browse(salesperson.id).write({"lang": "zh_CN"})
    try:
        with open(ROOT / "sales_process_mgmt" / "i18n" / "zh_CN.po", "rb") as po:
            catalog = read_po(po)
        page = guide_page
        _login(page, demo_server, "salesperson")
        expect(page.locator(ROOT_MENU)).to_have_text(catalog.get("Sales Process").string)
        my_day = page.locator(".oe_secondary_menu:visible "
                              "a[data-menu-xmlid='sales_process_mgmt.dashboard_my_day_menu']")
        expect(my_day).to_have_text(re.compile(re.escape(catalog.get("My Day").string)))
        _settle(page)
        page.screenshot(path=str(IMAGES / "salesperson-zh_CN-my-day.png"))
    finally:
        rpc.env["res.users"].browse(salesperson.id).write({"lang": "en_US"})
