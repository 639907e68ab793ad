"""The addon is installed, its roles imply the right sales groups, and each
role finds the Sales Process menu it should (and only that)."""

import re
import subprocess
from pathlib import Path

import pytest
from edition import README_INSTALL_SECTION, SERIE, as_user, manifest, root_menu_names


def _user(env, login, *group_xmlids):
    groups = [env.ref(xmlid).id for xmlid in ("base.group_user",) + group_xmlids]
    return env["res.users"].with_context(no_reset_password=True).create({
        "name": login.title(),
        "login": login,
        "email": "%s@example.com" % login,
        "groups_id": [(6, 0, groups)],
    })


@pytest.fixture
def users(env):
    return {
        "salesperson": _user(env, "t_salesperson", "sales_process_mgmt.group_salesperson"),
        "supervisor": _user(env, "t_supervisor", "sales_process_mgmt.group_supervisor"),
        "director": _user(env, "t_director", "sales_process_mgmt.group_director"),
        "executive": _user(env, "t_executive", "sales_process_mgmt.group_executive"),
        "internal": _user(env, "t_internal"),
    }


def test_addon_is_installed_with_its_version(env):
    module = env["ir.module.module"].search([("name", "=", "sales_process_mgmt")])
    assert module.state == "installed"
    read = manifest("sales_process_mgmt")
    assert re.match(r"^%s\.\d+\.\d+\.\d+$" % re.escape(SERIE), read["version"])
    assert module.latest_version == read["version"], "the database runs this version"
    assert module.application is True


@pytest.mark.parametrize("role, sales_groups, not_groups", [
    ("salesperson", ["sales_team.group_sale_salesman"],
     ["sales_team.group_sale_salesman_all_leads", "sales_process_mgmt.group_supervisor"]),
    ("supervisor", ["sales_team.group_sale_salesman_all_leads",
                    "sales_process_mgmt.group_salesperson"],
     ["sales_team.group_sale_manager", "sales_process_mgmt.group_director"]),
    ("director", ["sales_team.group_sale_manager", "sales_process_mgmt.group_supervisor",
                  "sales_process_mgmt.group_salesperson"], []),
    ("executive", [], ["sales_team.group_sale_salesman", "sales_process_mgmt.group_salesperson"]),
])
def test_roles_imply_the_sales_groups(env, users, role, sales_groups, not_groups):
    user = users[role]
    for xmlid in sales_groups:
        assert user.has_group(xmlid), xmlid
    for xmlid in not_groups:
        assert not user.has_group(xmlid), xmlid


def _visible_menu_xmlids(env, user):
    menus = as_user(env["ir.ui.menu"], user).search([("id", "child_of", env.ref(
        "sales_process_mgmt.menu_root").id)])
    return set(menus.get_external_id().values())


RESULTS = {"menu_root", "menu_dashboards", "crm_team_menu_overview", "menu_targets",
           "sales_target_line_menu", "sales_target_analysis_menu", "menu_analysis",
           "sales_efficiency_report_menu", "sales_report_kpi_menu"}
SALESPERSON = RESULTS | {
    "dashboard_my_day_menu", "menu_daily", "sales_visit_plan_menu", "sales_visit_menu",
    "sales_daily_report_menu", "menu_market", "sales_market_report_menu",
    "sales_market_report_menu_complaints", "res_partner_menu_competitors", "menu_meetings",
    "sales_meeting_menu", "sales_coaching_menu"}
SUPERVISOR = SALESPERSON | {
    "dashboard_team_week_menu", "dashboard_whole_picture_menu", "menu_approvals",
    "sales_visit_plan_menu_to_approve", "sales_daily_report_menu_to_approve",
    "sales_visit_expense_menu", "menu_weekly", "sales_weekly_report_menu"}


@pytest.mark.parametrize("role, expected", [
    ("salesperson", SALESPERSON),
    ("supervisor", SUPERVISOR),
    # Results only: no daily documents, market reports or meetings.
    ("executive", RESULTS | {"dashboard_results_menu", "sales_target_menu",
                             "sales_visit_expense_menu"}),
    ("director", SUPERVISOR | {
        "dashboard_director_month_menu", "dashboard_results_menu", "sales_target_menu",
        "menu_configuration", "crm_team_menu", "res_partner_menu_distributors",
        "sales_weekly_report_menu_generate"}),
    ("internal", set()),
])
def test_each_role_sees_its_menus(env, users, role, expected):
    assert _visible_menu_xmlids(env, users[role]) == {
        "sales_process_mgmt." + name for name in expected}


def test_menu_root_is_in_the_web_client_menus_of_a_salesperson(env, users):
    assert "Sales Process" in root_menu_names(as_user(env["ir.ui.menu"], users["salesperson"]))


def test_administrators_change_the_settings(env, users):
    """Sales Process > Configuration > Settings writes the company's values; Odoo
    saves settings for administrators only, so the menu is theirs."""
    env["res.config.settings"].create({
        "sales_report_deadline": 20.5, "sales_escalation_hours": 2.0,
        "sales_abnormal_weeks": 6}).execute()
    company = env.ref("base.main_company")
    assert (company.sales_report_deadline, company.sales_escalation_hours,
            company.sales_abnormal_weeks) == (20.5, 2.0, 6)
    menu = env.ref("sales_process_mgmt.res_config_settings_menu")
    assert menu.groups_id == env.ref("base.group_system")
    menus = as_user(env["ir.ui.menu"], users["director"])
    assert as_user(menu, users["director"]) not in menus.search([("id", "=", menu.id)])


ROOT = Path(__file__).resolve().parent.parent


def _tracked_text_files():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    for name in listed:
        path = ROOT / name
        if path.suffix in (".png", ".ico", ".jpg", ".xlsx", ".pdf") or not path.is_file():
            continue
        yield name, path.read_text(encoding="utf-8", errors="replace")


def test_the_readme_lists_every_dependency_for_an_existing_odoo():
    """Installing into an existing Odoo: every addon the manifests depend on is
    named in the README's list (the addon, and its expense-claim bridge)."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split(README_INSTALL_SECTION, 1)[1].split("\n## ", 1)[0]
    for addon in ("sales_process_mgmt", "sales_process_mgmt_hr_expense"):
        for dependency in manifest(addon)["depends"]:
            assert "`%s`" % dependency in section, (addon, dependency)


def test_the_repository_is_self_contained():
    """No file refers to what is outside the repository, and every requirement
    id the code and docs use is defined in docs/REQUIREMENTS.md."""
    defined = set(re.findall(r"^\| (R\d+) \|", (ROOT / "docs" / "REQUIREMENTS.md").read_text(),
                             re.M))
    assert defined == {"R%d" % n for n in range(1, 12)}
    for name, text in _tracked_text_files():
        # Written in pieces, so that this file does not find itself.
        for outside in ("../" "shared", "shared" "/", "MISSION" ".md", "PLATFORM" ".md"):
            assert outside not in text, (name, outside)
        for used in set(re.findall(r"\bR(\d+)\b", text)):
            assert "R%s" % used in defined, (name, used)


def test_the_suite_leaves_the_guide_images_alone(monkeypatch):
    """The user guide's browser tests write their screenshots into the suite's
    own folder; only setup/screenshots points them at docs/guide/images."""
    import importlib

    import browser.test_user_guide as guide

    monkeypatch.delenv("SPM_GUIDE_IMAGES", raising=False)
    assert importlib.reload(guide).IMAGES == ROOT / "tests" / "browser" / "screenshots" / "guide"
    monkeypatch.setenv("SPM_GUIDE_IMAGES", "docs/guide/images")
    assert importlib.reload(guide).IMAGES == ROOT / "docs" / "guide" / "images"
    assert "SPM_GUIDE_IMAGES=docs/guide/images" in (ROOT / "setup" / "screenshots").read_text()
