"""Text written to hurt stays text in Odoo 18's web client: a customer, a
competitor and a market report named ``<img src=x onerror=alert(1)>`` are
shown in the weekly report's tables, the market report's form and its
chatter; nothing of it runs (no dialog opens, no such image is in the page)."""

import time

from edition import CUSTOMER
from web18 import assert_clean, idle, login

HOSTILE = "<img src=x onerror=alert(1)>"


def test_hostile_names_do_not_run_in_the_browser(odoo_rpc, odoo_server, page):
    env = odoo_rpc.env
    tag = int(time.time() * 1000)
    leader = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Hostile Leader %s" % tag, "login": "hostile_leader_%s" % tag,
        "groups_id": [(6, 0, [env.ref("sales_process_mgmt.group_supervisor").id])]})
    team = env["crm.team"].create({"name": "Hostile Region %s" % tag, "user_id": leader})
    customer = env["res.partner"].create(dict(CUSTOMER, name=HOSTILE, is_company=True))
    competitor = env["res.partner"].create({"name": HOSTILE, "is_company": True})
    day = env["sales.visit.plan"].default_get(["date"])["date"]
    market = env["sales.market.report"].create({
        "title": HOSTILE, "description": HOSTILE, "kind": "customer_complaint",
        "severity": "critical", "competitor_id": competitor, "partner_id": customer,
        "team_id": team, "date": day})
    weekly_ids = env["sales.weekly.report"].generate_week(day)
    weekly = [row["id"] for row in env["sales.weekly.report"].read(weekly_ids, ["team_id"])
              if row["team_id"][0] == team][0]

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, odoo_server, "admin", "admin")
    for model, record in (("sales.weekly.report", weekly), ("sales.market.report", market)):
        # Odoo 18 still opens the old-style URL (and redirects to /odoo/...).
        page.goto("%s/web#model=%s&id=%s&view_type=form" % (odoo_server, model, record))
        form = page.locator(".o_form_view").first
        form.wait_for(state="visible")
        idle(page)
        # Odoo 18 renders the active notebook page only: read each in turn.
        shown = [form.inner_text()]
        tabs = page.locator(".o_notebook .nav-link")
        for index in range(tabs.count()):
            tabs.nth(index).click()
            idle(page)
            shown.append(form.inner_text())
            assert page.locator("img[src='x']").count() == 0, model
        assert any(HOSTILE in text for text in shown), model
    assert dialogs == []
    assert_clean(page)
