"""Each role's first screen on Odoo 18, on the demo database: the Sales
Process app opens the board of the user's role, and every board of the role
fits a 1440 px screen (no block pushed off the right edge, no horizontal
scroll), without an error."""

import pytest
from playwright.sync_api import expect
from web18 import ROOT_MENU, assert_clean, idle, login, open_section

# role: (a block of the board the app opens, the other boards of the role
# with one of their blocks); Odoo 18 shows a board without a control panel.
BOARDS = {
    "salesperson": ("Today's Visit Plan", []),
    "supervisor": ("Plans to Approve", [
        ("dashboard_my_day_menu", "Today's Visit Plan"),
        ("dashboard_whole_picture_menu", "Matters: Plans Waiting")]),
    "director": ("Weekly Reports to Read", [
        ("dashboard_team_week_menu", "Plans to Approve"),
        ("dashboard_whole_picture_menu", "Matters: Plans Waiting"),
        ("dashboard_results_menu", "Company Achievement this Year")]),
    "executive": ("Company Achievement this Year", []),
}


def _fits(page, block):
    """The board with the block ``block`` is loaded (every block has its
    view) and fits."""
    expect(page.locator(".o_dashboard .o-dashboard-action-header", has_text=block)).to_have_count(1)
    blocks = page.locator(".o_dashboard .o-dashboard-action")
    expect(blocks.first).to_be_visible()
    for index in range(blocks.count()):
        expect(blocks.nth(index).locator(".o_view_controller").first).to_be_attached()
    idle(page)
    # The board (a block's own list may scroll inside the block).
    widths = page.evaluate("""() => {
        const content = document.querySelector('.o_action_manager .o_dashboard');
        return [content.scrollWidth, content.clientWidth,
                Math.max(...[...document.querySelectorAll('.o_dashboard .o-dashboard-action')].map(
                    block => block.getBoundingClientRect().right))];
    }""")
    scroll_width, client_width, rightmost = widths
    assert scroll_width <= client_width + 1, widths
    assert rightmost <= 1440, widths
    assert_clean(page)


@pytest.mark.parametrize("role", sorted(BOARDS))
def test_each_role_starts_on_its_board_that_fits_the_screen(new_page, demo_server, role):
    page = new_page(role, viewport={"width": 1440, "height": 900},
                    timezone_id="Asia/Shanghai")
    login(page, demo_server, role)
    page.locator(".o_navbar_apps_menu button").click()
    page.locator(".o-dropdown--menu a.o_app[data-menu-xmlid='%s']" % ROOT_MENU).click()
    home, others = BOARDS[role]
    _fits(page, home)
    for menu, title in others:
        open_section(page, "menu_dashboards")
        page.locator(".o-dropdown--menu a[data-menu-xmlid='sales_process_mgmt.%s']"
                     % menu).click()
        _fits(page, title)


def _block(page, title):
    """The block of the board titled ``title``."""
    return page.locator(".o_dashboard .o-dashboard-action").filter(
        has=page.locator(".o-dashboard-action-header", has_text=title))


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_my_day_suggests_visits_and_lists_overdue_customers(new_page, demo_server, size):
    """The salesperson's My Day lists today's suggested visits, each with its
    Add button on the screen (1440 px and a 390 px phone), and the customers
    overdue for a visit (the demo's new outlet, never visited).  Add puts the
    customer in today's plan, unless the plan waits for approval: then it
    says so."""
    phone = size == "phone"
    options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
               "has_touch": True} if phone else {"viewport": {"width": 1440, "height": 900}}
    page = new_page("salesperson-" + size, timezone_id="Asia/Shanghai", **options)
    login(page, demo_server, "salesperson")
    page.goto(demo_server + "/odoo/action-sales_process_mgmt.dashboard_my_day_action")
    overdue = _block(page, "My Customers Overdue for a Visit")
    expect(overdue.locator(".o_data_row", has_text="New Outlet")).to_have_count(1)
    rows = _block(page, "Suggested Visits Today").locator(".o_data_row")
    expect(rows.first).to_be_visible()
    expect(rows.filter(has_text="New Outlet")).to_have_count(1)
    idle(page)
    width = options["viewport"]["width"]
    for index in range(rows.count()):
        button = rows.nth(index).locator("button.o_sales_add_suggestion")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box and box["width"] > 0 and box["x"] + box["width"] <= width, box
    assert_clean(page)
    if phone:
        return
    outlet = rows.filter(has_text="New Outlet")
    name = outlet.locator("td.o_data_cell").first.inner_text().strip()
    plan = _block(page, "Today's Visit Plan").locator(".o_data_row")
    waiting = plan.filter(has_text="Submitted").count() > 0
    outlet.locator("button.o_sales_add_suggestion").click()
    if waiting:
        expect(page.locator(".o_error_dialog", has_text="waiting for approval")).to_be_visible()
        return
    expect(_block(page, "Today's Visits").locator(".o_data_row", has_text=name)) \
        .to_have_count(1)
    expect(_block(page, "Suggested Visits Today").locator(
        ".o_data_row", has_text=name)).to_have_count(0)
    assert_clean(page)
