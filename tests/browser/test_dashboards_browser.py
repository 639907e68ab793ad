"""Each role's first screen, on the demo database: the Sales Process app
opens the board of the user's role, and every board of the role fits a
1440 px screen (no block pushed off the right edge, no horizontal scroll),
without an error."""

import pytest
from playwright.sync_api import expect

ROOT_MENU = ".oe_application_menu_placeholder a[data-menu-xmlid='sales_process_mgmt.menu_root']"
ERRORS = ".modal .o_dialog_warning, .modal-title:has-text('Error'), .o_notification.o_error"
# role: (a block of the board the app opens, the other boards of the role);
# Odoo 11 shows a board without a title.
BOARDS = {
    "salesperson": ("Today's Visit Plan", []),
    "supervisor": ("Plans to Approve", ["dashboard_my_day_menu",
                                        "dashboard_whole_picture_menu"]),
    "director": ("Weekly Reports to Read", ["dashboard_team_week_menu",
                                            "dashboard_whole_picture_menu",
                                            "dashboard_results_menu"]),
    "executive": ("Company Achievement this Year", []),
}


def _fits(page):
    """The board is loaded (every block has its view) and fits the screen."""
    board = page.locator(".o_dashboard")
    board.wait_for()
    blocks = board.locator(".oe_action")
    expect(blocks.first).to_be_visible()
    for index in range(blocks.count()):
        expect(blocks.nth(index).locator(
            ".o_view_nocontent, .oe_view_nocontent, .o_list_view, .o_pivot, .o_graph"
        ).first).to_be_attached()
    page.wait_for_timeout(300)
    widths = page.evaluate("""() => {
        const content = document.querySelector('.o_content');
        return [content.scrollWidth, content.clientWidth,
                Math.max(...[...document.querySelectorAll('.o_dashboard .oe_action')].map(
                    block => block.getBoundingClientRect().right))];
    }""")
    scroll_width, client_width, rightmost = widths
    assert scroll_width <= client_width + 1, widths
    assert rightmost <= 1440, widths
    assert page.locator(ERRORS).count() == 0
    assert page.spm_errors == []


@pytest.mark.parametrize("role", sorted(BOARDS))
def test_each_role_starts_on_its_board_that_fits_the_screen(new_page, demo_server, role):
    page = new_page(role, viewport={"width": 1440, "height": 900},
                    timezone_id="Asia/Shanghai")
    page.goto(demo_server + "/web/login")
    page.fill("input[name=login]", role)
    page.fill("input[name=password]", role)
    page.click("button[type=submit]")
    page.locator(ROOT_MENU).wait_for()
    page.locator(".o_control_panel .breadcrumb li").first.wait_for()
    page.locator(ROOT_MENU).click()
    home, others = BOARDS[role]
    expect(page.locator(".o_dashboard .oe_header", has_text=home)).to_have_count(1)
    _fits(page)
    for menu in others:
        page.locator(".oe_secondary_menu:visible a[data-menu-xmlid='sales_process_mgmt.%s']"
                     % menu).click()
        expect(page.locator(".o_dashboard .oe_header", has_text=home)).to_have_count(0)
        _fits(page)


def _block(page, title):
    """The block of the board titled ``title``."""
    return page.locator(".o_dashboard .oe_action").filter(
        has=page.locator(".oe_header", has_text=title))


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
    page.goto(demo_server + "/web/login")
    page.fill("input[name=login]", "salesperson")
    page.fill("input[name=password]", "salesperson")
    page.click("button[type=submit]")
    page.locator(".o_web_client .o_content").wait_for(state="attached")
    page.goto(demo_server + "/web#action=sales_process_mgmt.dashboard_my_day_action")
    overdue = _block(page, "My Customers Overdue for a Visit")
    expect(overdue.locator(".o_data_row", has_text="New Outlet")).to_have_count(1)
    rows = _block(page, "Suggested Visits Today").locator(".o_data_row")
    expect(rows.first).to_be_visible()
    expect(rows.filter(has_text="New Outlet")).to_have_count(1)
    width = options["viewport"]["width"]
    for index in range(rows.count()):
        button = rows.nth(index).locator("button.o_sales_add_suggestion")
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box and box["width"] > 0 and box["x"] + box["width"] <= width, box
    assert page.locator(ERRORS).count() == 0
    assert page.spm_errors == []
    if phone:
        return
    outlet = rows.filter(has_text="New Outlet")
    name = outlet.locator("td.o_data_cell").first.inner_text().strip()
    plan = _block(page, "Today's Visit Plan").locator(".o_data_row")
    waiting = plan.filter(has_text="Submitted").count() > 0
    outlet.locator("button.o_sales_add_suggestion").click()
    if waiting:
        expect(page.locator(".modal", has_text="waiting for approval")).to_be_visible()
        return
    expect(_block(page, "Today's Visits").locator(".o_data_row", has_text=name)) \
        .to_have_count(1)
    expect(_block(page, "Suggested Visits Today").locator(
        ".o_data_row", has_text=name)).to_have_count(0)
    assert page.spm_errors == []
