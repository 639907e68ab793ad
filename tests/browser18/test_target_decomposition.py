"""End to end on Odoo 18: the sales director decomposes a team's year target
to its two salespeople with the decomposition wizard and reads the result in
the achievement pivot."""

import datetime
import re
import time

from playwright.sync_api import expect
from web18 import assert_clean, dialog, idle, login, open_menu, open_single_row

TARGETS = ("menu_targets", "sales_target_line_menu", "Targets")
ACHIEVEMENT = ("menu_targets", "sales_target_analysis_menu", "Target Achievement")


def _user(rpc, login, *groups):
    return rpc.env["res.users"].with_context(no_reset_password=True).create({
        "name": login.replace("_", " ").title(),
        "login": login,
        "password": login,
        "groups_id": [(6, 0, [rpc.env.ref(g).id for g in ("base.group_user",) + groups])],
    })


def _search(page, text, field_label):
    """Search the records whose ``field_label`` matches ``text`` (the search
    view proposes one line per field)."""
    search = page.locator(".o_control_panel .o_searchview_input")
    search.fill(text)
    page.locator(".o_searchview_autocomplete li.o_menu_item", has_text=re.compile(
        r"^\s*Search\s+%s\s+for:\s+%s\s*$" % (re.escape(field_label), re.escape(text)))).click()
    expect(page.locator(".o_searchview_facet", has_text=text)).to_have_count(1)
    idle(page)


def _pivot_rows(page):
    """{row header: [cell texts]} of the pivot table on screen."""
    rows = {}
    for row in page.locator(".o_pivot table tbody tr").all():
        header = row.locator("th").first.inner_text().strip()
        rows[header] = [cell.inner_text().strip() for cell in row.locator("td").all()]
    return rows


def test_director_decomposes_a_year_target_and_sees_the_pivot(odoo_rpc, page, odoo_server):
    # A region led by one salesperson with another, and its year target of sales.
    tag = str(int(time.time() * 1000))[-8:]
    director = "e2e_director_%s" % tag
    _user(odoo_rpc, director, "sales_process_mgmt.group_director")
    lead = _user(odoo_rpc, "e2e_lead_%s" % tag, "sales_process_mgmt.group_salesperson")
    member = _user(odoo_rpc, "e2e_member_%s" % tag, "sales_process_mgmt.group_salesperson")
    lead_name, member_name = "E2E Lead %s" % tag, "E2E Member %s" % tag
    # Odoo 18: a user's sales team is the team the user is a member of.
    team = odoo_rpc.env["crm.team"].create({"name": "E2E Region %s" % tag, "user_id": lead,
                                           "member_ids": [(6, 0, [lead, member])]})
    year = datetime.date.today().year
    plan_name = "E2E Plan %s" % tag
    plan = odoo_rpc.env["sales.target"].create({
        "name": plan_name, "date_from": "%s-01-01" % year, "date_to": "%s-12-31" % year})
    line = odoo_rpc.env["sales.target.line"].create({
        "target_id": plan, "metric": "sales", "team_id": team, "target_amount": 1000.0,
        "date_from": "%s-01-01" % year, "date_to": "%s-12-31" % year})

    # The director finds the region's target among the current ones and opens it.
    login(page, odoo_server, director)
    open_menu(page, *TARGETS)
    _search(page, plan_name, "Plan")
    open_single_row(page)
    expect(page.locator(".o_field_widget[name=team_id] input")).to_have_value(
        "E2E Region %s" % tag)
    expect(page.locator(".o_field_widget[name=target_amount] input")).to_have_value("1,000.00")

    # The wizard proposes the four quarters of the year first, then, split into
    # salespeople, the region's two salespeople with equal weights.
    page.locator(".o_form_statusbar .o_statusbar_buttons").get_by_role(
        "button", name="Decompose", exact=True).click()
    wizard = dialog(page)
    expect(wizard.locator(".modal-title")).to_have_text("Decompose Target")
    parts = wizard.locator(".o_field_one2many[name=line_ids] tbody tr.o_data_row")
    expect(parts).to_have_count(4)
    wizard.locator(".o_field_widget[name=dimension] select").select_option(label="Salespeople")
    expect(parts).to_have_count(2)
    idle(page)
    expect(parts.locator("td[name=user_id]")).to_have_text([lead_name, member_name])
    assert_clean(page)
    wizard.locator(".modal-footer button[name=action_apply]").click()

    # The two new targets, half of the region's each.
    expect(dialog(page)).to_have_count(0)
    result = page.locator(".o_list_view tbody tr.o_data_row")
    expect(result).to_have_count(2)
    expect(result.locator("td[name=user_id]")).to_have_text([lead_name, member_name])
    expect(result.locator("td[name=target_amount]")).to_have_text(["500.00", "500.00"])
    assert_clean(page)
    children = odoo_rpc.env["sales.target.line"].search_read(
        [("parent_id", "=", line)], ["user_id", "team_id", "target_amount", "period_type"])
    assert sorted((c["user_id"][0], c["team_id"][0], c["target_amount"], c["period_type"])
                  for c in children) == sorted(
        [(lead, team, 500.0, "year"), (member, team, 500.0, "year")])

    # The achievement pivot: the plan's year targets (not only the months),
    # per metric and level (the total adds neither), then per salesperson.
    open_menu(page, *ACHIEVEMENT)
    pivot = page.locator(".o_pivot")
    expect(pivot).to_be_visible()
    page.locator(".o_searchview_facet", has_text="Months").locator(".o_facet_remove").click()
    _search(page, plan_name, "Plan")
    expect(pivot.locator("tbody tr th", has_text="Salesperson")).to_be_visible()
    idle(page)
    rows = _pivot_rows(page)
    # Target, actual (no sales yet), achievement, projected figure and rate (no
    # pipeline); the total and the metric's row, which would add the team and
    # its salespeople, stay empty.
    assert rows["Team"] == ["1,000.00", "0.00", "0.00", "0.00", "0.00"], rows
    assert rows["Salesperson"] == ["1,000.00", "0.00", "0.00", "0.00", "0.00"], rows
    assert rows["Sales Amount"] == [""] * 5 and rows["Total"] == [""] * 5, rows
    page.locator(".o_searchview_dropdown_toggler").click()
    page.locator(".o_group_by_menu").get_by_role(
        "menuitemcheckbox", name="Salesperson", exact=True).click()
    expect(pivot.locator("tbody tr th", has_text=member_name)).to_be_visible()
    idle(page)
    rows = _pivot_rows(page)
    for name in (lead_name, member_name):
        assert rows[name][:2] == ["500.00", "0.00"], rows
    assert_clean(page)
