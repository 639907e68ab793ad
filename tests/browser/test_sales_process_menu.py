"""End to end: a salesperson logs in and opens the Sales Process menu."""

import time


def test_salesperson_opens_sales_process_menu(odoo_rpc, page, odoo_server):
    login = "e2e_salesperson_%d" % int(time.time() * 1000)
    odoo_rpc.env["res.users"].with_context(no_reset_password=True).create({
        "name": "E2E Salesperson",
        "login": login,
        "password": "e2e-password",
        "groups_id": [(6, 0, [
            odoo_rpc.env.ref("base.group_user").id,
            odoo_rpc.env.ref("sales_process_mgmt.group_salesperson").id,
        ])],
    })

    page.goto(odoo_server + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "e2e-password")
    page.click("button[type=submit]")
    app_menu = page.locator(
        ".oe_application_menu_placeholder a[data-menu-xmlid='sales_process_mgmt.menu_root']")
    app_menu.wait_for(state="visible")
    assert app_menu.inner_text().strip() == "Sales Process"

    app_menu.click()
    # The first entry, the salesperson's dashboard "My Day", opens with its blocks.
    dashboard = page.locator(".o_dashboard")
    dashboard.locator(".oe_action").first.wait_for(state="visible")
    assert dashboard.locator(".oe_action").count() == 7
    for block in ("Today's Visit Plan", "Today's Visits", "My Targets this Month"):
        assert block in dashboard.inner_text()
    side_menu = page.locator(".oe_secondary_menu:visible a[data-menu-xmlid]")
    entries = [xmlid.split(".")[1] for xmlid in side_menu.evaluate_all(
        "links => links.map(link => link.dataset.menuXmlid)")]
    assert entries[:4] == ["dashboard_my_day_menu", "sales_visit_plan_menu", "sales_visit_menu",
                           "sales_daily_report_menu"]
    for supervisors_only in ("sales_visit_plan_menu_to_approve", "dashboard_team_week_menu",
                             "sales_weekly_report_menu"):
        assert supervisors_only not in entries
    page.locator(".oe_secondary_menu:visible "
                 "a[data-menu-xmlid='sales_process_mgmt.crm_team_menu_overview']").click()
    page.locator(".o_kanban_view").first.wait_for(state="visible")
    # No dialog (the crash manager shows errors in one) and no server error.
    page.wait_for_timeout(500)
    assert page.locator(".modal:visible").count() == 0
    assert page.spm_errors == []
    # Menus the salesperson may not use are not there.
    assert page.locator("a[data-menu-xmlid='sales_process_mgmt.menu_configuration']").count() == 0
