"""Text written to hurt stays text in the web client: a customer, a competitor
and a market report named ``<img src=x onerror=alert(1)>`` are shown in the
weekly report's tables, the market report's form and its chatter; nothing of
it runs (no dialog opens, no such image is in the page)."""

import time

from playwright.sync_api import expect

HOSTILE = "<img src=x onerror=alert(1)>"
ADMIN = "admin"


def test_hostile_names_do_not_run_in_the_browser(odoo_rpc, odoo_server, page):
    env = odoo_rpc.env
    tag = int(time.time() * 1000)
    leader = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Hostile Leader %s" % tag, "login": "hostile_leader_%s" % tag,
        "groups_id": [(6, 0, [env.ref("sales_process_mgmt.group_supervisor").id])]})
    team = env["crm.team"].create({"name": "Hostile Region %s" % tag, "user_id": leader})
    customer = env["res.partner"].create({"name": HOSTILE, "customer": True,
                                          "is_company": True, "team_id": team})
    competitor = env["res.partner"].create({"name": HOSTILE, "is_company": True})
    day = env["sales.visit.plan"].default_get(["date"])["date"]
    market = env["sales.market.report"].create({
        "title": HOSTILE, "description": HOSTILE, "kind": "customer_complaint",
        "competitor_id": competitor, "partner_id": customer, "team_id": team, "date": day})
    weekly_ids = env["sales.weekly.report"].generate_week(day)
    weekly = [row["id"] for row in env["sales.weekly.report"].read(weekly_ids, ["team_id"])
              if row["team_id"][0] == team][0]

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(odoo_server + "/web/login")
    page.fill("input[name=login]", ADMIN)
    page.fill("input[name=password]", ADMIN)
    page.click("button[type=submit]")
    page.locator(".o_main_navbar, .o_main_content").first.wait_for(state="visible")

    for model, record in (("sales.weekly.report", weekly), ("sales.market.report", market)):
        # A URL of its own (not only another #hash of /web): the web client
        # starts on the record, whatever it was still loading.
        page.goto("%s/web?open=%s#id=%s&model=%s&view_type=form"
                  % (odoo_server, model, record, model))
        form = page.locator(".o_form_view").first
        form.wait_for(state="visible")
        expect(form).to_contain_text(HOSTILE)
        # Every notebook page of the form, where the weekly tables are.
        tabs = page.locator(".o_notebook .nav-tabs a")
        for index in range(tabs.count()):
            tabs.nth(index).click()
            page.wait_for_timeout(200)
        page.wait_for_timeout(500)
        assert page.locator("img[src='x']").count() == 0, model
    assert dialogs == []
    assert page.spm_errors == []
