"""End to end on Odoo 18: a salesperson logs in and opens the Sales Process
menus, in English and, for a salesperson whose language is Simplified
Chinese, in Chinese (the addon's zh_CN translation)."""

import re
import time

import pytest
from edition import ADDONS, close_environment, load_language, new_environment, registry
from playwright.sync_api import expect
from web18 import ROOT_MENU, assert_clean, idle, login, open_app, open_menu, open_section

from odoo.tests.common import get_db_name
from odoo.tools.translate import PoFileReader

# The navbar's sections for a salesperson, in their order, and the daily work.
SALESPERSON_SECTIONS = ["menu_dashboards", "menu_daily", "menu_targets", "menu_market",
                        "menu_meetings", "menu_analysis", "crm_team_menu_overview"]
DAILY_WORK = ["sales_visit_plan_menu", "sales_visit_menu", "sales_daily_report_menu"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _salesperson(rpc, login, **values):
    return rpc.env["res.users"].with_context(no_reset_password=True).create(dict({
        "name": login.replace("_", " ").title(),
        "login": login,
        "password": login,
        "groups_id": [(6, 0, [
            rpc.env.ref("base.group_user").id,
            rpc.env.ref("sales_process_mgmt.group_salesperson").id,
        ])],
    }, **values))


def _sections(page):
    """The xmlids of the navbar's sections (the current application's menus)."""
    return [xmlid.split(".", 1)[1] for xmlid in page.locator(
        ".o_menu_sections > [data-menu-xmlid]").evaluate_all(
        "items => items.map(item => item.dataset.menuXmlid)")]


def _entries(page, count):
    """The xmlids of the ``count`` entries of the section dropdown on screen."""
    entries = page.locator(".o-dropdown--menu a[data-menu-xmlid]")
    expect(entries).to_have_count(count)
    return [xmlid.split(".", 1)[1] for xmlid in entries.evaluate_all(
        "items => items.map(item => item.dataset.menuXmlid)")]


def test_salesperson_opens_sales_process_menu(odoo_rpc, page, odoo_server):
    login_name = "e2e_salesperson_%d" % int(time.time() * 1000)
    _salesperson(odoo_rpc, login_name)

    login(page, odoo_server, login_name)
    # The apps menu offers the application ...
    page.locator(".o_navbar_apps_menu button").click()
    app = page.locator(".o-dropdown--menu a.o_app[data-menu-xmlid='%s']" % ROOT_MENU)
    expect(app).to_have_text("Sales Process")
    page.locator(".o_navbar_apps_menu button").click()
    expect(app).to_have_count(0)
    # ... whose first entry, the salesperson's dashboard "My Day", opens with its blocks.
    expect(open_app(page)).to_have_text("Sales Process")
    blocks = page.locator(".o_dashboard .o-dashboard-action")
    expect(blocks.locator(".o-dashboard-action-header")).to_have_text([
        "Today's Visit Plan", "Today's Visits", "Suggested Visits Today",
        "My Daily Reports this Week", "My Targets this Month", "My Meetings from Today",
        "My Customers Overdue for a Visit"], use_inner_text=True)
    # Each block shows its list (a failed one would show an error instead).
    expect(blocks.locator(".o_list_view")).to_have_count(7)
    idle(page)
    assert_clean(page)

    # The salesperson's menus, without the supervisors' and the director's.
    assert _sections(page) == SALESPERSON_SECTIONS
    open_section(page, "menu_dashboards")
    assert _entries(page, 1) == ["dashboard_my_day_menu"]
    open_section(page, "menu_daily")
    assert _entries(page, 3) == DAILY_WORK
    page.keyboard.press("Escape")
    for hidden in ("menu_approvals", "menu_weekly", "menu_configuration",
                   "dashboard_team_week_menu", "sales_weekly_report_menu"):
        expect(page.locator("[data-menu-xmlid='sales_process_mgmt.%s']" % hidden)) \
            .to_have_count(0)

    # The regions: a kanban of the sales teams.
    page.locator(".o_menu_sections a[data-menu-xmlid="
                 "'sales_process_mgmt.crm_team_menu_overview']").click()
    expect(page.locator(".o_action_manager .o_kanban_view")).to_be_visible()
    idle(page)
    assert_clean(page)


@pytest.fixture(scope="module")
def chinese(odoo_server):
    """Simplified Chinese active in the test database with the addon's
    translation loaded (committed, and the server told to forget its caches)."""
    db_registry = registry(get_db_name())
    cr = db_registry.cursor()
    env = new_environment(cr)
    try:
        load_language(env, "zh_CN", ["sales_process_mgmt"])
        cr.commit()
    finally:
        close_environment(env)
        cr.close()
    db_registry.signal_changes()
    path = ADDONS / "sales_process_mgmt" / "i18n" / "zh_CN.po"
    return {entry["imd_name"]: entry["value"] for entry in PoFileReader(str(path))
            if entry["type"] == "model" and entry["name"] == "ir.ui.menu,name"}


def test_a_chinese_salesperson_sees_the_menus_in_chinese(odoo_rpc, new_page, odoo_server,
                                                         chinese):
    login_name = "e2e_zh_salesperson_%d" % int(time.time() * 1000)
    _salesperson(odoo_rpc, login_name, lang="zh_CN")
    for xmlid in ["menu_root"] + SALESPERSON_SECTIONS + DAILY_WORK:
        assert CJK.search(chinese.get(xmlid) or ""), "%s has no Chinese name" % xmlid

    page = login(new_page("zh_CN", locale="zh-CN"), odoo_server, login_name)
    page.locator(".o_navbar_apps_menu button").click()
    expect(page.locator(".o-dropdown--menu a.o_app[data-menu-xmlid='%s']" % ROOT_MENU)) \
        .to_have_text(chinese["menu_root"])
    page.locator(".o_navbar_apps_menu button").click()
    expect(open_app(page)).to_have_text(chinese["menu_root"])
    assert _sections(page) == SALESPERSON_SECTIONS
    for xmlid in SALESPERSON_SECTIONS:
        expect(page.locator(".o_menu_sections [data-menu-xmlid='sales_process_mgmt.%s']"
                            % xmlid)).to_have_text(chinese[xmlid])
    open_section(page, "menu_daily")
    for xmlid in DAILY_WORK:
        expect(page.locator(".o-dropdown--menu a[data-menu-xmlid='sales_process_mgmt.%s']"
                            % xmlid)).to_have_text(chinese[xmlid])
    page.keyboard.press("Escape")
    # The entries open their actions, named in Chinese too.
    open_menu(page, "menu_daily", "sales_visit_plan_menu", chinese["sales_visit_plan_menu"])
    expect(page.locator(".o_list_view")).to_be_visible()
    assert_clean(page)
