"""A board block of Odoo 18 shows the narrow list of its context
(``list_view_ref``), even when its action names a list view of its own: Odoo's
invoices name theirs, and the Whole Picture's "Collections Due" block would
otherwise show the wide invoice list."""

from playwright.sync_api import expect
from web18 import assert_clean, idle, login


def test_a_block_shows_the_list_of_its_context(odoo_server, new_page):
    page = login(new_page("admin", viewport={"width": 1440, "height": 900}), odoo_server,
                 "admin")
    page.goto(odoo_server + "/odoo/action-sales_process_mgmt.dashboard_whole_picture_action")
    block = page.locator(".o_dashboard .o-dashboard-action", has_text="Things: Collections Due")
    expect(block.locator(".o_list_view")).to_be_visible()
    idle(page)
    headers = [text.strip() for text in block.locator("thead th").all_inner_texts()
               if text.strip()]
    assert headers == ["Partner", "Due Date", "Salesperson", "Amount Due"]
    # The addon's own actions name no list view: their blocks show theirs too.
    reports = page.locator(".o_dashboard .o-dashboard-action",
                           has_text="Matters: Reports Waiting")
    expect(reports.locator("thead th", has_text="First Submitted")).to_be_visible()
    assert_clean(page)
