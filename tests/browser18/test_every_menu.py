"""Every menu of every role opens without an error in Odoo 18's web client, on
a desktop screen and on a phone.

Each demo user has exactly one role of the addon (salesperson, supervisor,
director, executive: see demo/res_users_demo.xml) and logs in once per screen
size.  The menus are the addon's entries that the web client gives the user
(``ir.ui.menu.load_menus`` as that user): every one with an action is opened
from the menus (on a desktop screen the navbar's sections, on a phone the
side menu of the navbar's menu button) and its view waited for; no error
dialog or danger notification of the web client, no JavaScript error, no HTTP
5xx and no ERROR line in the server's log may follow.
"""

import re
import time
from pathlib import Path

import odoorpc
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from web18 import ERRORS, idle, login

import odoo

ADDON = "sales_process_mgmt"
ROLES = ("salesperson", "supervisor", "director", "executive")
SIZES = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
SECTIONS = ".o_main_navbar .o_menu_sections"
SIDEBAR = ".o_app_menu_sidebar"
SERVER_ERROR = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d ")
# Each demo user's menus are read once per test session, their actions by
# one client of the administrator.
_MENUS = {}
_ADMIN = []


def _server_log(db):
    """The log file of the server the suite starts on ``db`` (tests/conftest.py)."""
    return Path(odoo.tools.config["data_dir"]).parent / ("server-%s.log" % db)


class _LogTail:
    """The ERROR and CRITICAL lines the server writes from now on, each with
    its traceback."""

    def __init__(self, path):
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0

    def errors(self):
        if not self.path.exists():
            return []
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            lines = log.read().decode("utf-8", "replace").splitlines()
            self.offset = log.tell()
        errors = []
        for number, line in enumerate(lines):
            if SERVER_ERROR.match(line):
                end = next((index for index in range(number + 1, len(lines))
                            if LOG_LINE.match(lines[index])), len(lines))
                errors.append("server: %s" % "\n".join(lines[number:end]))
        return errors


def _rpc(server, db, login):
    client = odoorpc.ODOO("127.0.0.1", port=int(server.rsplit(":", 1)[1]), timeout=300)
    client.login(db, login, login)
    return client


def _role_menus(server, db, login):
    """[(path, url, action name, target)] of the addon's menus with an action
    that ``login`` is given, in the order of the menus: the path is the
    xmlids from the application down to the menu, the URL's path (a
    pattern) once the action is open, the target "board" for a
    dashboard, "server" for a server action, else the action's."""
    if login in _MENUS:
        return _MENUS[login]
    menus = _rpc(server, db, login).execute("ir.ui.menu", "load_menus", False)
    entries = []

    def walk(menu_id, path, in_addon):
        menu = menus[str(menu_id)]
        path = path + (menu["xmlid"],)
        in_addon = in_addon or menu["xmlid"].startswith(ADDON + ".")
        if in_addon and menu["action"]:
            model, action_id = menu["action"].split(",")
            entries.append((path, model, int(action_id)))
        for child in menu["children"]:
            walk(child, path, in_addon)

    for app in menus["root"]["children"]:
        walk(app, (), False)
    if not _ADMIN:
        _ADMIN.append(_rpc(server, db, "admin"))
    admin = _ADMIN[0]
    actions = {}
    for model in {model for _path, model, _action_id in entries}:
        fields = ["name", "path"] + (["target", "res_model"] if model == "ir.actions.act_window"
                                     else [])
        ids = [action_id for _path, other, action_id in entries if other == model]
        actions.update({(model, action["id"]): action
                        for action in admin.execute(model, "read", ids, fields)})
    result = []
    for path, model, action_id in entries:
        action = actions[model, action_id]
        target = action.get("target") or "current"
        if action.get("res_model") == "board.board":
            target = "board"
        elif model == "ir.actions.server":
            target = "server"
        url = r"^/odoo/(action-%d|%s)(/|$)" % (action_id, re.escape(action["path"] or "-"))
        result.append((path, url, action["name"], target))
    _MENUS[login] = result
    return result


def _current_app(page):
    return page.evaluate("() => odoo.__WOWL_DEBUG__.root.env.services.menu"
                         ".getCurrentApp()?.xmlid || null")


def _click_desktop(page, path):
    """The application ``path[0]`` from the apps menu (unless it is open),
    then the section ``path[1]`` of the navbar (or the "More" dropdown when
    the navbar has no room for it) and the entry; or the application itself."""
    if len(path) == 1 or _current_app(page) != path[0]:
        page.locator(".o_navbar_apps_menu button").click()
        page.locator(".o-dropdown--menu a.o_app[data-menu-xmlid='%s']" % path[0]).click()
        expect(page.locator(".o_main_navbar .o_menu_brand")).to_have_attribute(
            "data-menu-xmlid", path[0])
        if len(path) == 1:
            return
        idle(page)
    if page.locator(".o-dropdown--menu").count():
        page.keyboard.press("Escape")
        expect(page.locator(".o-dropdown--menu")).to_have_count(0)
    section = page.locator("%s [data-menu-xmlid='%s']" % (SECTIONS, path[1]))
    if not section.is_visible():
        section = page.locator("%s .o_menu_sections_more button" % SECTIONS)
    if len(path) == 2 and section.get_attribute("data-menu-xmlid") == path[1]:
        section.click()
        return
    section.click()
    page.locator(".o-dropdown--menu [data-menu-xmlid='%s']" % path[-1]).click()


def _click_phone(page, path):
    """The navbar's menu button, then the application ``path[0]`` from "All
    Apps" (unless it is open), and the entry in the side menu; or the
    application itself."""
    page.locator(".o_main_navbar .o_menu_toggle").click()
    if len(path) == 1 or _current_app(page) != path[0]:
        page.locator("%s .o_sidebar_topbar a" % SIDEBAR).click()
        page.locator("%s li.o_app[data-menu-xmlid='%s']" % (SIDEBAR, path[0])).click()
        expect(page.locator(SIDEBAR)).to_have_count(0)
        if len(path) == 1:
            return
        idle(page)
        page.locator(".o_main_navbar .o_menu_toggle").click()
    page.locator("%s li[data-menu-xmlid='%s']" % (SIDEBAR, path[-1])).click()
    expect(page.locator(SIDEBAR)).to_have_count(0)


# The action's view is drawn (or its dialog, or an error instead): for a
# dashboard, each of its blocks shows a view; for a server action (the
# application's own, which opens the role's dashboard), whatever it returns,
# in place of the view on screen before.
LOADED = """([url, name, target]) => {
    if (document.querySelector(".o_error_dialog")) {
        return true;
    }
    if (target === "new") {
        return !!document.querySelector(".o_dialog .o_form_view");
    }
    if (target === "server") {
        // The action the server action returns, in place of the former one.
        if (!document.querySelector(".o_action_manager > :not([data-spm-former])")) {
            return false;
        }
    } else if (!new RegExp(url).test(window.location.pathname)) {
        return false;
    }
    if (target === "board" || document.querySelector(".o_action_manager .o_dashboard")) {
        const blocks = document.querySelectorAll(".o_dashboard .o-dashboard-action");
        return blocks.length > 0
            && Array.from(blocks).every(block => block.querySelector(".o_view_controller"));
    }
    if (target === "server") {
        return !!document.querySelector(".o_action_manager .o_view_controller");
    }
    const crumb = document.querySelector(".o_breadcrumb .o_last_breadcrumb_item");
    return !!crumb && crumb.textContent.trim() === name
        && !!document.querySelector(".o_action_manager .o_view_controller");
}"""


def _loaded(page, url, name, target):
    """Wait until the action's view (or dialog) is drawn and the web client's
    calls are answered."""
    page.wait_for_function(LOADED, arg=[url, name, target], polling="raf")
    idle(page)


def _problems(page, log):
    """What went wrong since the last call: JavaScript errors and HTTP 5xx,
    error dialogs and danger notifications, the server's errors."""
    problems = list(page.spm_errors) + log.errors()
    page.spm_errors.clear()
    problems += ["dialog: %s" % " ".join(text.split())
                 for text in page.locator(".o_dialog:has(.o_error_dialog), "
                                          ".o_notification:has(.bg-danger)").all_inner_texts()]
    return problems


def _close_dialogs(page):
    """Close the side menu (a phone's, left open by an action that failed),
    the dialogs on screen (a wizard, an error) and the notifications."""
    if page.locator(SIDEBAR).count():
        page.locator("%s .o_sidebar_close" % SIDEBAR).click()
        expect(page.locator(SIDEBAR)).to_have_count(0)
    deadline = time.monotonic() + 30
    while page.locator(".o_dialog").count():
        assert time.monotonic() < deadline, "a dialog does not close"
        # The close button of the header (an arrow on a phone).
        page.locator(".o_dialog .modal-header [aria-label=Close]").last.click()
        page.wait_for_timeout(100)
    for close in page.locator(".o_notification .o_notification_close").all():
        close.click()
    expect(page.locator(ERRORS)).to_have_count(0)
    idle(page)


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("role", ROLES)
def test_every_menu_opens_without_error(demo_database, demo_server, new_page, role, size):
    db = demo_database[0]
    menus = _role_menus(demo_server, db, role)
    xmlids = [path[-1] for path, *_rest in menus]
    # Each role has its results screens, and the Regions.
    assert "%s.crm_team_menu_overview" % ADDON in xmlids
    assert ("%s.dashboard_results_menu" % ADDON in xmlids) == (role in ("director", "executive"))
    log = _LogTail(_server_log(db))
    page = new_page("%s-%s" % (role, size), timezone_id="Asia/Shanghai", **SIZES[size])
    login(page, demo_server, role)
    failures = ["login: %s" % problem for problem in _problems(page, log)]
    click = _click_desktop if size == "desktop" else _click_phone
    for path, url, name, target in menus:
        page.evaluate("() => document.querySelectorAll('.o_action_manager > *').forEach("
                      "view => { view.dataset.spmFormer = '1'; })")
        try:
            click(page, path)
            _loaded(page, url, name, target)
        except (AssertionError, PlaywrightError) as error:
            failures.append("%s (%s) did not open: %s" % (path[-1], name,
                                                          str(error).splitlines()[0]))
        failures += ["%s (%s): %s" % (path[-1], name, problem)
                     for problem in _problems(page, log)]
        if page.locator(".o_dialog, %s, %s" % (ERRORS, SIDEBAR)).count():
            _close_dialogs(page)
    assert failures == [], "\n".join(failures)
