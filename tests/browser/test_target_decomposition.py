"""End to end: the sales director decomposes a team's year target to its two
salespeople and reads the result in the achievement pivot."""

import datetime
import time

from playwright.sync_api import expect


def _user(rpc, login, *groups):
    return rpc.env["res.users"].with_context(no_reset_password=True).create({
        "name": login.replace("_", " ").title(),
        "login": login,
        "password": login,
        "groups_id": [(6, 0, [rpc.env.ref(g).id for g in ("base.group_user",) + groups])],
    })


def test_director_decomposes_a_year_target_and_sees_the_pivot(odoo_rpc, page, odoo_server):
    tag = str(int(time.time() * 1000))[-8:]
    director = "e2e_director_%s" % tag
    _user(odoo_rpc, director, "sales_process_mgmt.group_director")
    lead = _user(odoo_rpc, "e2e_lead_%s" % tag, "sales_process_mgmt.group_salesperson")
    member = _user(odoo_rpc, "e2e_member_%s" % tag, "sales_process_mgmt.group_salesperson")
    team = odoo_rpc.env["crm.team"].create({"name": "E2E Region %s" % tag, "user_id": lead})
    odoo_rpc.env["res.users"].browse([lead, member]).write({"sale_team_id": team})
    year = datetime.date.today().year
    plan = odoo_rpc.env["sales.target"].create({
        "name": "E2E Plan %s" % tag, "date_from": "%s-01-01" % year,
        "date_to": "%s-12-31" % year})
    line = odoo_rpc.env["sales.target.line"].create({
        "target_id": plan, "metric": "sales", "team_id": team, "target_amount": 1000.0,
        "date_from": "%s-01-01" % year, "date_to": "%s-12-31" % year})

    page.goto(odoo_server + "/web/login")
    page.fill("input[name=login]", director)
    page.fill("input[name=password]", director)
    page.click("button[type=submit]")
    page.locator("a[data-menu-xmlid='sales_process_mgmt.menu_root']").wait_for()
    page.goto(odoo_server + "/web#model=sales.target.line&id=%d&view_type=form" % line)
    page.locator(".o_form_view button:has-text('Decompose')").click()

    dialog = page.locator(".modal-dialog")
    dialog.locator("select[name=dimension]").select_option(label="Salespeople")
    # The onchange replaces the twelve proposed months by the two salespeople.
    expect(dialog.locator(".o_field_one2many tbody tr.o_data_row")).to_have_count(2)
    dialog.locator(".modal-footer button:has-text('Decompose')").click()

    expect(page.locator(".modal-dialog")).to_have_count(0)
    result = page.locator(".o_list_view tbody tr.o_data_row")
    expect(result).to_have_count(2)
    assert "500.00" in result.nth(0).inner_text() and "500.00" in result.nth(1).inner_text()
    children = odoo_rpc.env["sales.target.line"].search_read(
        [("parent_id", "=", line)], ["user_id", "target_amount"])
    assert sorted((c["user_id"][0], c["target_amount"]) for c in children) == sorted(
        [(lead, 500.0), (member, 500.0)])

    page.locator("a[data-menu-xmlid='sales_process_mgmt.menu_root']").click()
    page.locator(".oe_secondary_menu:visible "
                 "a[data-menu-xmlid='sales_process_mgmt.sales_target_analysis_menu']").click()
    page.locator(".o_pivot").wait_for()
    page.locator(".o_searchview_facet:has-text('Months') .o_facet_remove").click()
    # Per metric and level by default (no total adds them); per salesperson
    # with the "Salesperson" grouping: each of the two has 500 and no sale.
    page.locator(".o_searchview_more").click()
    page.locator(".o_search_options button:has-text('Group By')").click()
    page.locator(".o_group_by_menu a:has-text('Salesperson')").click()
    pivot = page.locator(".o_pivot")
    page.wait_for_function(
        "name => document.querySelector('.o_pivot').innerText.includes(name)",
        arg="E2E Member %s" % tag)
    for name in ("E2E Lead %s" % tag, "E2E Member %s" % tag):
        row = pivot.locator("tbody tr", has_text=name).first.inner_text()
        assert "500.00" in row and "0.00" in row, row
    assert page.locator(".modal:visible").count() == 0
    assert page.spm_errors == []
