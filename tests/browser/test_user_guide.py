"""The user guide's screenshots, taken on the demo database by the demo users
(see docs/guide/): each role walks through the screens of its routine, and
each screen must open without an error.  The suite writes the screenshots to
a folder of its own (tests/browser/screenshots/guide/, not tracked), so that a
test run leaves the repository as it was; ``setup/screenshots`` runs these
tests with ``SPM_GUIDE_IMAGES=docs/guide/images`` to update the guide."""

import os
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


def _walk(page, role, prefix, translate=lambda text: text):
    """The screens of ``role``'s routine, a screenshot of each named
    ``<prefix>-<n>-<screen>.png``; on the report to sign off, the *Sign Off*
    dialog too (``translate`` gives the button's label in the user's
    language)."""
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
        page.screenshot(path=str(IMAGES / ("%s-%d-%s.png" % (prefix, number, name))))
        if name == "report-to-sign-off":
            page.locator(".o_form_statusbar button", has_text=translate("Sign Off")).click()
            dialog = page.locator(".modal-dialog")
            expect(dialog.locator("[name=quality_score]")).to_be_visible()
            _settle(page)
            page.screenshot(path=str(IMAGES / ("%s-%d-%s-dialog.png" % (prefix, number, name))))
            dialog.locator(".modal-footer button.btn-default, .modal-footer button.btn-secondary"
                           ).last.click()
            expect(dialog).to_have_count(0)


@pytest.mark.parametrize("role", sorted(ROUTINES))
def test_routine_screens(demo_server, guide_page, role):
    IMAGES.mkdir(parents=True, exist_ok=True)
    page = guide_page
    _login(page, demo_server, role)
    _walk(page, role, role)


def _catalog(lang):
    with open(ROOT / "sales_process_mgmt" / "i18n" / ("%s.po" % lang), "rb") as po:
        return read_po(po)


# Demo users who work in Chinese (the demo story sets their language).
CHINESE = [("ma.jun", "zh_CN", "salesperson"), ("south.supervisor", "zh_TW", "supervisor")]


@pytest.mark.parametrize("login,lang,role", CHINESE)
def test_routine_screens_in_chinese(demo_server, guide_page, login, lang, role):
    """A salesperson working in Simplified Chinese and a supervisor working
    in Traditional Chinese walk through their routine: menus, boards, lists
    and forms in their language."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    catalog = _catalog(lang)
    page = guide_page
    _login(page, demo_server, login)
    expect(page.locator(ROOT_MENU)).to_have_text(catalog.get("Sales Process").string)
    _walk(page, role, "%s-%s" % (role, lang),
          lambda text: catalog.get(text).string or text)


PHONE_SCREENS = [
    ("my-day", "dashboard_my_day_menu", None),
    ("visit-plans", "sales_visit_plan_menu", ".o_kanban_record:not(.o_kanban_ghost)"),
    ("visits", "sales_visit_menu", None),
    ("daily-reports", "sales_daily_report_menu", ".o_kanban_record:not(.o_kanban_ghost)"),
]


@pytest.mark.parametrize("login,lang", [("salesperson", "en_US"), ("ma.jun", "zh_CN")])
def test_a_salesperson_on_a_phone(demo_server, new_page, login, lang):
    """The salesperson's screens at phone size (390 x 844), from the
    navbar's toggle: My Day, the plans and reports as cards, a plan and a
    report opened from their cards."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    page = new_page("guide-phone", viewport={"width": 390, "height": 844}, is_mobile=True,
                    has_touch=True, timezone_id="Asia/Shanghai")
    page.goto(demo_server + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login)
    page.click("button[type=submit]")
    page.locator(".o_main_content .o_mail_chat").wait_for()  # Discuss, Odoo's home
    _settle(page)
    sub_menu = page.locator(".o_sub_menu")
    for number, (name, menu, card) in enumerate(PHONE_SCREENS, 1):
        page.locator("#oe_main_menu_navbar .navbar-toggle").click()
        entry = sub_menu.locator("a[data-menu-xmlid='sales_process_mgmt.%s']" % menu)
        if not entry.is_visible():
            page.locator(ROOT_MENU).click()
        entry.click()
        expect(sub_menu).to_be_hidden()
        _settle(page)
        if card:
            cards = page.locator(".o_kanban_view " + card)
            expect(cards.first).to_be_visible()
            cards.first.click()
            page.locator(".o_form_view").wait_for()
            _settle(page)
        # Nothing wider than the phone.
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, (name, width)
        suffix = "" if lang == "en_US" else "-%s" % lang
        page.screenshot(path=str(IMAGES / ("phone-salesperson%s-%d-%s.png"
                                           % (suffix, number, name))))
