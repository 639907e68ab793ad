"""End to end on Odoo 18: from the CRM pipeline, a salesperson opens an
opportunity, plans a visit for tomorrow with *Plan a Visit*, sees it in
tomorrow's plan and on the opportunity (its Visits button and its next visit);
after the salesperson submits the plan, the supervisor sees the visit in the
plan to approve.  No step may show an error (dialog, danger notification,
JavaScript error, HTTP 5xx).

Both users work in Shanghai (UTC+8), and so does their browser: "tomorrow" is
Shanghai's, and the visit's 14:30 is 06:30 UTC.
"""

import datetime
import re
import time
from pathlib import Path

import odoorpc
import pytz
from edition import customer_values
from playwright.sync_api import expect
from web18 import BREADCRUMB, assert_clean, dialog, header_button, idle, login, status

from odoo.tests.common import get_db_name

TZ = "Asia/Shanghai"
# Gitignored, with the screenshots of the failed tests (see conftest).
SCREENSHOTS = Path(__file__).resolve().parent.parent / "browser" / "screenshots"


def _user(rpc, login, group):
    return rpc.env["res.users"].with_context(no_reset_password=True).create({
        "name": login.replace("_", " ").title(),
        "login": login,
        "password": login,
        # The chatter logs the creation of plans as their author.
        "email": "%s@example.com" % login,
        "tz": TZ,
        "groups_id": [(6, 0, [rpc.env.ref("base.group_user").id, rpc.env.ref(group).id])],
    })


def test_plan_a_visit_from_the_pipeline(odoo_rpc, odoo_server, new_page):
    # 1. A supervisor's team with a salesperson, a customer and the
    #    salesperson's opportunity for that customer.
    env = odoo_rpc.env
    tag = str(int(time.time() * 1000))[-8:]
    supervisor, salesperson = "pipe_supervisor_%s" % tag, "pipe_salesperson_%s" % tag
    supervisor_id = _user(odoo_rpc, supervisor, "sales_process_mgmt.group_supervisor")
    salesperson_id = _user(odoo_rpc, salesperson, "sales_process_mgmt.group_salesperson")
    # Odoo 18: a user's sales team is the team the user is a member of.
    team = env["crm.team"].create({"name": "Pipeline %s" % tag, "user_id": supervisor_id,
                                   "member_ids": [(4, salesperson_id)]})
    customer_name = "Canteen %s" % tag
    customer = env["res.partner"].create(customer_values(name=customer_name, is_company=True))
    lead_name = "Tea for the canteen %s" % tag
    lead = env["crm.lead"].create({"name": lead_name, "type": "opportunity",
                                   "partner_id": customer, "user_id": salesperson_id,
                                   "team_id": team})
    tomorrow = datetime.datetime.now(pytz.timezone(TZ)).date() + datetime.timedelta(days=1)
    shown_tomorrow = tomorrow.strftime("%m/%d/%Y")  # en_US

    # 2. The salesperson opens the opportunity from the pipeline (its kanban card).
    seller = login(new_page("salesperson", timezone_id=TZ), odoo_server, salesperson)
    # The CRM application's first menu; its navbar shows CRM.
    seller.goto("%s/web#action=%s&menu_id=%s&model=crm.lead&view_type=kanban"
                % (odoo_server, env.ref("crm.crm_lead_action_pipeline").id,
                   env.ref("crm.crm_menu_root").id))
    expect(seller.locator(".o_main_navbar .o_menu_brand")).to_have_text("CRM")
    card = seller.locator(".o_kanban_view .o_kanban_record").filter(has_text=lead_name)
    expect(card).to_have_count(1)
    idle(seller)
    card.get_by_text(lead_name).click()
    form = seller.locator(".o_form_view .o_form_renderer")
    # The opportunity's name is a textarea in Odoo 18.
    title = form.locator(".o_field_widget[name=name] textarea")
    expect(title).to_have_value(lead_name)
    idle(seller)
    assert_clean(seller)

    # 3. Plan a Visit: tomorrow is proposed; the visit starts at 14:30.
    header_button(seller, "action_sales_plan_visit").click()
    wizard = dialog(seller)
    expect(wizard.locator(".modal-title")).to_have_text("Plan a Visit")
    idle(seller)
    expect(wizard.locator(".o_field_widget[name=lead_id]")).to_contain_text(lead_name)
    expect(wizard.locator(".o_field_widget[name=partner_id] input")).to_have_value(
        customer_name)
    expect(wizard.locator(".o_field_widget[name=date] input")).to_have_value(shown_tomorrow)
    wizard.locator(".o_field_widget[name=purpose] select").select_option(label="Order Taking")
    idle(seller)
    start = wizard.locator(".o_field_widget[name=start_time] input")
    start.fill("14:30")
    start.press("Tab")
    idle(seller)
    expect(start).to_have_value("14:30")
    assert_clean(seller)
    wizard.locator(".modal-footer button[name=action_confirm]").click()

    # 4. Tomorrow's plan opens, with the customer's visit.
    expect(dialog(seller)).to_have_count(0)
    expect(seller.locator(BREADCRUMB + " .o_last_breadcrumb_item")).to_contain_text(
        tomorrow.isoformat())
    expect(status(seller)).to_have_text("Draft")
    rows = seller.locator(".o_field_one2many[name=visit_ids] tbody tr.o_data_row")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td[name=partner_id]")).to_have_text(customer_name)
    # The plan's table shows the times of its day.
    expect(rows.first.locator("td[name=start_time]")).to_have_text("14:30")
    expect(rows.first.locator("td[name=purpose]")).to_have_text("Order Taking")
    idle(seller)
    assert_clean(seller)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seller.screenshot(path=str(SCREENSHOTS / "pipeline18-plan.png"))

    plans = env["sales.visit.plan"].search([("user_id", "=", salesperson_id),
                                            ("date", "=", tomorrow.isoformat())])
    assert len(plans) == 1
    visits = env["sales.visit"].search_read([("plan_id", "=", plans[0])],
                                            ["lead_id", "partner_id", "planned_start",
                                             "planned_stop", "purpose"])
    assert [(row["lead_id"][0], row["partner_id"][0]) for row in visits] == [(lead, customer)]
    assert visits[0]["purpose"] == "order"
    # 14:30 in Shanghai is 06:30 UTC; the visit lasts an hour (the default).
    assert (visits[0]["planned_start"], visits[0]["planned_stop"]) == (
        "%s 06:30:00" % tomorrow.isoformat(), "%s 07:30:00" % tomorrow.isoformat())

    # 5. Back on the opportunity (breadcrumb): one visit, the next one tomorrow,
    #    on its form and on its card in the pipeline.
    seller.locator(BREADCRUMB + " .breadcrumb-item", has_text=lead_name).click()
    expect(seller.locator(BREADCRUMB + " .o_last_breadcrumb_item")).to_contain_text(lead_name)
    expect(title).to_have_value(lead_name)
    idle(seller)
    # Odoo 18 shows the stat buttons in the control panel, outside the form.
    buttons = seller.locator(".o_control_panel .o-form-buttonbox")
    visits_button = buttons.locator("button[name=action_sales_visits]")
    expect(visits_button).to_contain_text("Visits")
    expect(visits_button.locator(".o_stat_value")).to_have_text("1")
    expect(buttons.locator("button[name=action_sales_market_reports]")).to_contain_text(
        "Market Reports")
    expect(form.locator(".o_field_widget[name=sales_next_visit_date]")).to_have_text(
        shown_tomorrow)
    expect(form.locator(".o_field_widget[name=sales_last_visit_date]")).to_have_text("")
    assert_clean(seller)
    seller.screenshot(path=str(SCREENSHOTS / "pipeline18-opportunity.png"))
    # The pipeline's card shows the next visit too.
    seller.locator(BREADCRUMB + " .breadcrumb-item", has_text="Pipeline").click()
    expect(card).to_contain_text(shown_tomorrow)
    idle(seller)
    assert_clean(seller)

    # 6. The salesperson submits the plan; the supervisor sees the visit in the
    #    plan to approve.
    port = int(odoo_server.rsplit(":", 1)[1])
    rep = odoorpc.ODOO("127.0.0.1", port=port, timeout=120)
    rep.login(get_db_name(), salesperson, salesperson)
    rep.env["sales.visit.plan"].browse(plans[0]).action_submit()
    boss = login(new_page("supervisor", timezone_id=TZ), odoo_server, supervisor)
    # Odoo 18 still opens the old-style URL (and redirects to /odoo/...).
    boss.goto("%s/web#model=sales.visit.plan&id=%s&view_type=form&menu_id=%s"
              % (odoo_server, plans[0], env.ref("sales_process_mgmt.menu_root").id))
    boss.locator(".o_form_view .o_form_renderer").wait_for()
    idle(boss)
    expect(status(boss)).to_have_text("Submitted")
    expect(boss.locator(".o_field_widget[name=user_id]")).to_contain_text(
        salesperson.replace("_", " ").title())
    boss_rows = boss.locator(".o_field_one2many[name=visit_ids] tbody tr.o_data_row")
    expect(boss_rows).to_have_count(1)
    expect(boss_rows.first.locator("td[name=partner_id]")).to_have_text(customer_name)
    expect(boss_rows.first.locator("td[name=lead_id]")).to_have_text(
        re.compile(re.escape(lead_name)))
    expect(header_button(boss, "action_approve")).to_be_visible()
    expect(header_button(boss, "action_approve")).to_have_text("Approve")
    for page in (seller, boss):
        assert_clean(page)
