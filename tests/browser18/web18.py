"""What the browser tests do in Odoo 18's web client (OWL): log in, open the
addon's menus from the navbar, work in lists, forms and dialogs, wait for the
web client's calls to be answered, and check that nothing went wrong."""

import re
import time

from playwright.sync_api import expect

# A loaded machine (two cores, another suite running) answers slowly.
expect.set_options(timeout=30000)

ROOT_MENU = "sales_process_mgmt.menu_root"
# Odoo 18's error dialogs (server errors, user errors, validation errors,
# access errors, session expiry: all have this content class) and danger
# notifications (the invalid fields of a form, failed actions).
ERRORS = ".o_error_dialog, .o_notification:has(.o_notification_bar.bg-danger)"
BREADCRUMB = ".o_control_panel .o_breadcrumb"
STATUS = ".o_form_statusbar .o_statusbar_status button.o_arrow_button_current"
DIALOG = ".o_dialog .modal-dialog"


def track(page):
    """Count the web client's calls (fetch/XHR) in flight, for ``idle``."""
    pending = set()
    page.on("request", lambda request: request.resource_type in ("fetch", "xhr")
            and pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    page.spm_pending = pending
    return page


def idle(page, timeout=60):
    """Wait until the web client's calls (onchanges, saves...) are answered,
    and no new one is sent for a quarter of a second."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 5:
        assert time.monotonic() < deadline, "calls still pending: %s" % [
            request.url for request in page.spm_pending]
        quiet = quiet + 1 if not page.spm_pending else 0
        page.wait_for_timeout(50)


def assert_clean(page):
    """No JavaScript error, no HTTP 5xx, no error dialog or notification."""
    assert page.spm_errors == [], page.spm_errors
    expect(page.locator(ERRORS)).to_have_count(0)


def login(page, server, login, password=None):
    """Log ``login`` in on ``page`` and wait for the home action (Discuss)."""
    track(page)
    page.goto(server + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password or login)
    page.click("button[type=submit]")
    # A desktop's navbar has the apps menu, a phone's the burger menu.
    page.locator(".o_main_navbar").wait_for()
    page.locator(".o_action_manager > *").first.wait_for()
    idle(page)
    assert_clean(page)
    return page


def open_app(page):
    """Open Sales Process from the apps menu; its first entry, a dashboard
    (board) for each role, opens.  Return the application's name in the navbar."""
    page.locator(".o_navbar_apps_menu button").click()
    page.locator(".o-dropdown--menu a.o_app[data-menu-xmlid='%s']" % ROOT_MENU).click()
    brand = page.locator(".o_main_navbar .o_menu_brand")
    expect(brand).to_have_attribute("data-menu-xmlid", ROOT_MENU)
    page.locator(".o_action_manager .o_dashboard").wait_for()
    idle(page)
    assert_clean(page)
    return brand


def open_section(page, section):
    """Open the dropdown of the navbar's section ``section`` (an xmlid of the
    addon), from the "More" menu when the navbar has no room for it."""
    # A click on a section while another's dropdown is open only closes it.
    if page.locator(".o-dropdown--menu").count():
        page.keyboard.press("Escape")
        expect(page.locator(".o-dropdown--menu")).to_have_count(0)
    button = page.locator(".o_menu_sections button[data-menu-xmlid='sales_process_mgmt.%s']"
                          % section)
    if not button.is_visible():
        button = page.locator(".o_menu_sections .o_menu_sections_more button")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")


def open_menu(page, section, entry, title):
    """Sales Process → ``section`` → ``entry`` (xmlids of the addon), whose
    action is named ``title``: wait for its view, without error."""
    brand = page.locator(".o_main_navbar .o_menu_brand")
    if not (brand.count() and brand.get_attribute("data-menu-xmlid") == ROOT_MENU):
        open_app(page)
    open_section(page, section)
    page.locator(".o-dropdown--menu a[data-menu-xmlid='sales_process_mgmt.%s']" % entry).click()
    expect(page.locator(BREADCRUMB + " .breadcrumb-item")).to_have_count(0)
    expect(page.locator(BREADCRUMB + " .o_last_breadcrumb_item")).to_have_text(
        re.compile(r"^\s*%s\s*$" % re.escape(title)))
    page.locator(".o_action_manager .o_view_controller").first.wait_for()
    idle(page)
    assert_clean(page)


def open_single_row(page):
    """Open the only record of the list on screen."""
    rows = page.locator(".o_list_view tbody tr.o_data_row")
    expect(rows).to_have_count(1)
    rows.locator("td.o_data_cell").first.click()
    page.locator(".o_form_view .o_form_renderer").wait_for()
    idle(page)
    assert_clean(page)


def status(scope):
    """The current state in the form's status bar."""
    return scope.locator(STATUS)


def header_button(scope, name):
    return scope.locator(".o_form_statusbar .o_statusbar_buttons button[name=%s]" % name)


def click_header_button(page, name, new_state):
    """Click the form's header button ``name``; the state becomes ``new_state``
    (None: the button opens a dialog)."""
    header_button(page, name).click()
    if new_state:
        expect(status(page)).to_have_text(new_state)
    idle(page)
    assert_clean(page)


def dialog(page):
    return page.locator(DIALOG)


def save(page):
    """Save the form on screen (the record is saved when its save button hides)."""
    page.locator(".o_control_panel .o_form_button_save").click()
    expect(page.locator(".o_control_panel .o_form_button_save")).to_be_hidden()
    idle(page)
    assert_clean(page)


def tab(scope, name):
    """Open the notebook page ``name`` (its name in the view)."""
    scope.locator(".o_notebook .nav-link[name=%s]" % name).click()
    expect(scope.locator(".o_notebook .nav-link.active[name=%s]" % name)).to_be_visible()


def pick_many2one(scope, field, name):
    """Type ``name`` in the many2one ``field`` and pick it in the dropdown."""
    widget = scope.locator(".o_field_widget[name=%s]" % field)
    widget.locator("input").fill(name)
    widget.locator(".o-autocomplete--dropdown-menu").get_by_role(
        "option", name=name, exact=True).click()
    expect(widget.locator("input")).to_have_value(name)
