"""End to end: a critical market report reaches the sales director.

A salesperson files a critical "competitor new product" report in the browser,
with a description and a photo.  A critical report goes to the supervisor and
to the company's sales director at once: the director gets an activity and a
message.  The director logs in, sees the activity in the systray, the message
in the Discuss inbox, opens the report from the activity menu and sees the
photo.  The records are checked over RPC, and no page may show an error
(dialog, JavaScript error, HTTP 5xx).
"""

import re
import struct
import time
import zlib

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

ROOT_MENU = "a[data-menu-xmlid='sales_process_mgmt.menu_root']"
REPORTS_MENU = (".oe_secondary_menu:visible "
                "a[data-menu-xmlid='sales_process_mgmt.sales_market_report_menu']")
# What the crash manager shows (user errors, server errors) and failed validations.
ERRORS = ".o_dialog_warning, .o_dialog_error, .o_notification.o_error"
ACTIVITY_MENU = ".o_mail_navbar_item:has(a[title=Activities])"


def _png(path):
    """A valid 2x2 red PNG image."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _row in range(2))
    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows))
                     + chunk(b"IEND", b""))
    return path


def _user(rpc, login, *groups):
    return rpc.env["res.users"].with_context(no_reset_password=True).create({
        "name": login.replace("_", " ").title(),
        "login": login,
        "password": login,
        "email": "%s@example.com" % login,
        "groups_id": [(6, 0, [rpc.env.ref(g).id for g in ("base.group_user",) + groups])],
    })


def _login(page, base_url, login):
    page.goto(base_url + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login)
    page.click("button[type=submit]")
    page.locator(ROOT_MENU).wait_for()


def _click(page, target):
    """Clicks ``target``; when an error dialog covers it, fails with the error."""
    try:
        target.click(timeout=15000)
    except PlaywrightTimeout:
        dialogs = page.locator(".modal:visible")
        raise AssertionError("could not click %s; dialogs: %r; errors: %r" % (
            target, dialogs.all_inner_texts(), page.spm_errors)) from None


def _no_error(page):
    assert page.locator(ERRORS).count() == 0
    assert page.locator(".modal:visible").count() == 0
    assert page.spm_errors == []


def test_critical_market_report_reaches_the_director(odoo_rpc, odoo_server, page, new_page,
                                                      tmp_path):
    rpc = odoo_rpc
    tag = str(int(time.time() * 1000))[-8:]
    director_login = "e2e_mr_director_%s" % tag
    salesperson_login = "e2e_mr_sales_%s" % tag
    director = _user(rpc, director_login, "sales_process_mgmt.group_director")
    supervisor = _user(rpc, "e2e_mr_supervisor_%s" % tag, "sales_process_mgmt.group_supervisor")
    salesperson = _user(rpc, salesperson_login, "sales_process_mgmt.group_salesperson")
    # The director reads the notifications in Odoo (Discuss inbox), not by email.
    rpc.env["res.users"].browse(director).write({"notification_type": "inbox"})
    team = rpc.env["crm.team"].create({"name": "E2E Market %s" % tag, "user_id": supervisor})
    rpc.env["res.users"].browse(salesperson).write({"sale_team_id": team})
    competitor_name = "E2E Rival %s" % tag
    rpc.env["res.partner"].create({"name": competitor_name, "is_competitor": True,
                                   "is_company": True, "customer": False})
    director_partner = rpc.env["res.users"].read([director], ["partner_id"])[0]["partner_id"][0]
    title = "E2E rival launches a cheaper cola %s" % tag
    photo = _png(tmp_path / ("rival_shelf_%s.png" % tag))

    company = rpc.env.user.company_id
    previous_director = company.sales_director_id.id
    company.write({"sales_director_id": director})
    try:
        # -- The salesperson files the report.
        _login(page, odoo_server, salesperson_login)
        page.locator(ROOT_MENU).click()
        _click(page, page.locator(REPORTS_MENU))
        # An empty list shows the action's help instead of a table.
        expect(page.locator(".o_control_panel .breadcrumb")).to_have_text("Market Reports")
        _click(page, page.locator(".o_list_button_add:visible"))
        form = page.locator(".o_form_view.o_form_editable")
        form.wait_for()
        form.locator("input[name=title]").fill(title)
        form.locator("select[name=kind]").select_option(label="Competitor New Product")
        form.locator(".o_field_radio[name=severity] label:text-is('Critical')").click()
        expect(form.locator(".o_field_radio[name=severity] input:checked")).to_have_count(1)
        competitor = form.locator(".o_field_widget[name=competitor_id] input")
        competitor.fill(competitor_name)
        page.locator(".ui-autocomplete:visible li a", has_text=competitor_name).click()
        expect(competitor).to_have_value(competitor_name)
        form.locator(".o_notebook .nav-tabs a:has-text('Description')").click()
        form.locator("textarea[name=description]").fill(
            "Seen at three supermarkets: a new 2L cola 15% cheaper than ours.")
        form.locator(".o_notebook .nav-tabs a:has-text('Photos')").click()
        attachments = form.locator(".o_field_widget[name=attachment_ids]")
        attachments.locator("input[type=file]").set_input_files(str(photo))
        expect(attachments.locator(".oe_attachment .o_image[data-mimetype='image/png']")
               ).to_have_count(1)
        page.locator(".o_form_button_save").click()
        expect(page.locator(".o_form_view.o_form_readonly")).to_be_visible()
        # The chatter shows the escalation the save triggered.
        expect(page.locator(".o_chatter .o_thread_message", has_text="escalated to")
               ).to_have_count(2)
        _no_error(page)

        # -- Over RPC: a critical report, escalated to the director at once.
        reports = rpc.env["sales.market.report"].search_read(
            [("title", "=", title)],
            ["severity", "escalation_level", "attachment_ids", "kind", "competitor_id",
             "reporter_id", "team_id", "name"])
        assert len(reports) == 1
        report = reports[0]
        assert report["severity"] == "critical"
        assert report["escalation_level"] == "2"
        assert report["kind"] == "competitor_product"
        assert report["competitor_id"][1] == competitor_name
        assert report["reporter_id"][0] == salesperson and report["team_id"][0] == team
        assert len(report["attachment_ids"]) == 1
        attachment = rpc.env["ir.attachment"].read(
            report["attachment_ids"], ["name", "mimetype"])[0]
        assert attachment["name"] == photo.name and attachment["mimetype"] == "image/png"
        activities = rpc.env["mail.activity"].search_read(
            [("res_model", "=", "sales.market.report"), ("res_id", "=", report["id"]),
             ("user_id", "=", director)], ["summary"])
        assert [a["summary"] for a in activities] == ["Critical: %s" % title]
        messages = rpc.env["mail.message"].search_read(
            [("model", "=", "sales.market.report"), ("res_id", "=", report["id"]),
             ("partner_ids", "in", [director_partner])], ["body"])
        assert len(messages) == 1 and "escalated to" in messages[0]["body"]

        # -- The director sees the activity and the message, and opens the report.
        boss = new_page("director")
        _login(boss, odoo_server, director_login)
        # The counter may count the activity twice for a while: on its first poll
        # after the login, Odoo 11's bus replays the last 50 seconds'
        # "activity created" notifications on top of the counter read from the
        # server.  The dropdown reads the counts from the server again.
        expect(boss.locator(ACTIVITY_MENU + " .o_notification_counter")).to_have_text(
            re.compile(r"^[1-9]"))
        # The message waits in the Inbox (opening the report marks it as read).
        director_name = director_login.replace("_", " ").title()
        boss.locator("a[data-menu-xmlid='mail.mail_channel_menu_root_chat']").click()
        inbox = boss.locator(".o_mail_chat_channel_item[data-channel-id=channel_inbox]")
        expect(inbox).to_have_class(re.compile(r"\bo_active\b"))
        expect(boss.locator(".o_mail_chat .o_thread_message",
                            has_text="escalated to %s" % director_name)).to_contain_text(title)

        boss.locator(ACTIVITY_MENU + " a[title=Activities]").click()
        group = boss.locator(ACTIVITY_MENU + " .o_mail_channel_preview"
                             "[data-res_model='sales.market.report']")
        expect(group).to_contain_text("Market Situation Report")
        expect(group).to_contain_text("1 Today")
        group.click()
        boss.locator(".o_kanban_record", has_text=report["name"]).click()
        boss_form = boss.locator(".o_form_view.o_form_readonly")
        expect(boss_form.locator("span[name=title]")).to_have_text(title)
        # The chatter lists the supervisor's activity and the director's.
        expect(boss_form.locator(".o_mail_activity .o_thread_message", has_text=director_name)
               ).to_contain_text("Critical: %s" % title)
        expect(boss_form.locator(".o_chatter .o_thread_message", has_text="escalated to %s"
                                 % director_name)).to_contain_text(title)
        boss_form.locator(".o_notebook .nav-tabs a:has-text('Photos')").click()
        expect(boss_form.locator(".o_field_widget[name=attachment_ids] a", has_text=photo.name)
               ).to_be_visible()
        _no_error(boss)
        _no_error(page)
    finally:
        company.write({"sales_director_id": previous_director or False})
