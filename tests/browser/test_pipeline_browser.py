"""End to end: from the pipeline, a salesperson opens an opportunity, plans a
visit for tomorrow with *Plan a Visit*, sees it in tomorrow's plan and on the
opportunity (its Visits button and its next visit); after the salesperson
submits the plan, the supervisor sees the visit in the plan to approve.  Both
work in Shanghai (UTC+8), as their browser does."""

import datetime
import re
import time
from pathlib import Path

import odoorpc
import pytz
from playwright.sync_api import expect

from odoo.tests.common import get_db_name

TZ = "Asia/Shanghai"
ROOT_MENU = "a[data-menu-xmlid='sales_process_mgmt.menu_root']"
ERRORS = ".o_dialog_warning, .o_dialog_error, .o_notification.o_error"
DIALOG = ".modal-dialog"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def _user(rpc, login, group):
    return rpc.env["res.users"].with_context(no_reset_password=True).create({
        "name": login.replace("_", " ").title(), "login": login, "password": login,
        "email": "%s@example.com" % login, "tz": TZ,
        "groups_id": [(6, 0, [rpc.env.ref("base.group_user").id, rpc.env.ref(group).id])]})


def _login(new_page, server, login):
    page = new_page(login.split("_")[1], timezone_id=TZ)
    page.goto(server + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login)
    page.click("button[type=submit]")
    page.locator(ROOT_MENU).wait_for()
    return page


def _idle(page):
    expect(page.locator(".o_web_client.oe_wait")).to_have_count(0)


def _clean(page):
    assert page.spm_errors == []
    expect(page.locator(ERRORS)).to_have_count(0)


def test_plan_a_visit_from_the_pipeline(odoo_rpc, odoo_server, new_page):
    env = odoo_rpc.env
    tag = str(int(time.time() * 1000))[-8:]
    supervisor, salesperson = "pipe_supervisor_%s" % tag, "pipe_salesperson_%s" % tag
    supervisor_id = _user(odoo_rpc, supervisor, "sales_process_mgmt.group_supervisor")
    salesperson_id = _user(odoo_rpc, salesperson, "sales_process_mgmt.group_salesperson")
    team = env["crm.team"].create({"name": "Pipeline %s" % tag, "user_id": supervisor_id})
    env["res.users"].write([salesperson_id], {"sale_team_id": team})
    customer = env["res.partner"].create({"name": "Canteen %s" % tag, "customer": True,
                                          "is_company": True})
    lead = env["crm.lead"].create({"name": "Tea for the canteen %s" % tag,
                                   "type": "opportunity", "partner_id": customer,
                                   "user_id": salesperson_id, "team_id": team})
    tomorrow = datetime.datetime.now(pytz.timezone(TZ)).date() + datetime.timedelta(days=1)

    # The salesperson opens the opportunity from the pipeline (kanban card).
    page = _login(new_page, odoo_server, salesperson)
    page.goto("%s/web#model=crm.lead&view_type=kanban&action=%s"
              % (odoo_server, env.ref("crm.crm_lead_opportunities_tree_view").id))
    page.locator(".o_kanban_record", has_text="Tea for the canteen %s" % tag).click()
    form = page.locator(".o_form_view")
    form.wait_for()
    _idle(page)
    page.locator(".o_form_statusbar button", has_text="Plan a Visit").click()
    dialog = page.locator(DIALOG)
    dialog.wait_for()
    _idle(page)
    # The day proposed is tomorrow; the visit starts at 14:30.
    SCREENSHOTS.mkdir(exist_ok=True)
    expect(dialog.locator("[name=date] input, input[name=date]").first).to_have_value(
        tomorrow.strftime("%m/%d/%Y"))
    dialog.locator("div[name=purpose] select, select[name=purpose]").first.select_option(
        label="Order Taking")
    start = dialog.locator("input[name=start_time]")
    start.fill("14:30")
    start.press("Tab")
    _idle(page)
    dialog.locator("button", has_text="Plan the Visit").click()
    # Tomorrow's plan opens, with the visit.
    expect(page.locator(".o_control_panel .breadcrumb")).to_contain_text(
        re.compile(r"Visit Plan|%s" % tomorrow.strftime("%Y-%m-%d")))
    expect(page.locator(".o_form_view .o_field_one2many")).to_contain_text(
        "Canteen %s" % tag)
    _clean(page)
    page.screenshot(path=str(SCREENSHOTS / "pipeline-plan.png"))

    plans = env["sales.visit.plan"].search([("user_id", "=", salesperson_id),
                                            ("date", "=", tomorrow.isoformat())])
    assert len(plans) == 1
    visit = env["sales.visit"].search_read([("plan_id", "=", plans[0])],
                                           ["lead_id", "planned_start", "purpose"])
    assert [row["lead_id"][0] for row in visit] == [lead]
    assert visit[0]["purpose"] == "order"
    assert visit[0]["planned_start"] == "%s 06:30:00" % tomorrow.isoformat()

    # Back on the opportunity: one visit, the next one tomorrow.
    page.locator(".o_control_panel .breadcrumb a", has_text="Tea for the canteen").click()
    expect(page.locator(".o_control_panel .breadcrumb li")).to_have_count(2)
    form.wait_for()
    _idle(page)
    expect(page.locator(".oe_stat_button", has_text="Visits")).to_contain_text("1")
    expect(form.locator(".o_field_widget[name=sales_next_visit_date]")).to_have_text(
        tomorrow.strftime("%m/%d/%Y"))
    _clean(page)
    page.screenshot(path=str(SCREENSHOTS / "pipeline-opportunity.png"))

    # Submitted, the supervisor sees the visit in the plan to approve.
    rep = odoorpc.ODOO("127.0.0.1", port=int(odoo_server.rsplit(":", 1)[1]), timeout=120)
    rep.login(get_db_name(), salesperson, salesperson)
    rep.env["sales.visit.plan"].browse(plans[0]).action_submit()
    boss = _login(new_page, odoo_server, supervisor)
    boss.goto("%s/web#id=%s&model=sales.visit.plan&view_type=form" % (odoo_server, plans[0]))
    boss.locator(".o_form_view").wait_for()
    expect(boss.locator(".o_form_statusbar .o_statusbar_status .btn-primary")).to_have_text(
        "Submitted")
    expect(boss.locator(".o_form_view .o_field_one2many")).to_contain_text("Canteen %s" % tag)
    expect(boss.locator(".o_form_statusbar .o_statusbar_buttons").get_by_role(
        "button", name="Approve", exact=True)).to_be_visible()
    _clean(boss)
