"""Every menu of every role opens without an error, on a desktop screen and on
a phone.

Each demo user has exactly one role of the addon (salesperson, supervisor,
director, executive: see demo/res_users_demo.xml) and logs in once per screen
size.  The menus are the addon's entries that the web client gives the user
(``ir.ui.menu.load_menus`` as that user): every one with an action is opened
and its view waited for; no error dialog of the web client (the crash
manager's warnings and errors, failed notifications), no JavaScript error, no
HTTP 5xx and no ERROR line in the server's log may follow.  On a desktop
screen the entries are clicked in the menus; Odoo 11's community web client is
not made for phones: there each entry is opened by its URL (its menu and
action in the #hash, as its link does).
"""

import re
import time
from pathlib import Path

import odoorpc
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

import odoo

ADDON = "sales_process_mgmt"
ROLES = ("salesperson", "supervisor", "director", "executive")
SIZES = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
# The crash manager's dialogs (warnings: user and access errors; errors:
# server errors), with their titles, and the notifications of failed actions.
ERRORS = ".modal:has(.o_dialog_warning), .modal:has(.o_dialog_error), .o_notification.o_error"
APPS = ".oe_application_menu_placeholder"
SIDEBAR = ".oe_secondary_menu:visible"
SERVER_ERROR = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d ")
# Each demo user's menus are read once per test session, their actions by
# one client of the administrator.
_MENUS = {}
_ADMIN = []
# The action's view is drawn (or its dialog, or an error instead): for a
# dashboard (no control panel), each of its blocks shows its view; for a
# server action (the application's own, which opens the role's dashboard),
# whatever it returns, in place of the view on screen before.
LOADED = """([actionId, name, target]) => {
    if (document.querySelector(".modal .o_dialog_warning, .modal .o_dialog_error")) {
        return true;
    }
    if (target === "new") {
        return !!document.querySelector(".modal .o_form_view");
    }
    if (target === "server") {
        // The action the server action returns, in place of the former one.
        if (!document.querySelector(".o_content > :not([data-spm-former])")) {
            return false;
        }
    } else if (!new RegExp("[#&]action=" + actionId + "(&|$)").test(window.location.hash)) {
        return false;
    }
    if (target === "board" || document.querySelector(".o_content .o_dashboard")) {
        const blocks = document.querySelectorAll(".o_content .o_dashboard .oe_action");
        return blocks.length > 0
            && Array.from(blocks).every(block => block.querySelector(".oe_content > *"));
    }
    // A calendar adds its period to the name: "Visits (Week 49)".
    if (target === "server") {
        return true;
    }
    const crumbs = document.querySelectorAll(".o_control_panel .breadcrumb li");
    const crumb = crumbs.length ? crumbs[crumbs.length - 1].textContent.trim() : "";
    return (crumb === name || crumb.startsWith(name + " ("))
        && !!document.querySelector(".o_content > *");
}"""


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
    """[(app xmlid, menu xmlid, menu id, action id, action name, target)] of
    the addon's menus with an action that ``login`` is given, in the order of
    the menus; the target is "board" for a dashboard, "server" for a server
    action, else the action's."""
    if login in _MENUS:
        return _MENUS[login]
    tree = _rpc(server, db, login).execute("ir.ui.menu", "load_menus", False)
    entries = []

    def walk(menu, app, in_addon):
        xmlid = menu.get("xmlid") or ""
        in_addon = in_addon or xmlid.startswith(ADDON + ".")
        if in_addon and menu.get("action"):
            model, action_id = menu["action"].split(",")
            entries.append((app, xmlid, menu["id"], model, int(action_id)))
        for child in menu.get("children", []):
            walk(child, app, in_addon)

    for app in tree["children"]:
        walk(app, app.get("xmlid"), False)
    if not _ADMIN:
        _ADMIN.append(_rpc(server, db, "admin"))
    actions = {}
    for model in {entry[3] for entry in entries}:
        fields = ["name"] + (["target", "res_model"] if model == "ir.actions.act_window" else [])
        ids = [entry[4] for entry in entries if entry[3] == model]
        actions.update({(model, action["id"]): action
                        for action in _ADMIN[0].execute(model, "read", ids, fields)})
    menus = []
    for app, xmlid, menu_id, model, action_id in entries:
        action = actions[model, action_id]
        target = action.get("target") or "current"
        if action.get("res_model") == "board.board":
            target = "board"
        elif model == "ir.actions.server":
            target = "server"
        menus.append((app, xmlid, menu_id, action_id, action["name"], target))
    _MENUS[login] = menus
    return menus


def _track(page):
    """Count the web client's calls (XHR) in flight, for ``_idle``."""
    pending = set()
    # The bus's long polling waits for notifications: it is never answered soon.
    page.on("request", lambda request: request.resource_type in ("fetch", "xhr")
            and "/longpolling/" not in request.url and pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    page.spm_pending = pending


def _idle(page, timeout=60):
    """Wait until the web client's calls are answered and no new one is sent
    for a quarter of a second."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 5:
        assert time.monotonic() < deadline, "calls still pending: %s" % [
            request.url for request in page.spm_pending]
        quiet = quiet + 1 if not page.spm_pending else 0
        page.wait_for_timeout(50)
    expect(page.locator(".o_web_client.oe_wait")).to_have_count(0)


def _login(page, server, login):
    _track(page)
    page.goto(server + "/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login)
    page.click("button[type=submit]")
    page.locator("%s a[data-menu-xmlid='%s.menu_root']" % (APPS, ADDON)).wait_for(
        state="attached")
    # The home action (Discuss) is loaded before another one opens.
    page.wait_for_function("() => /[#&]action=/.test(window.location.hash)", polling="raf")
    _idle(page)


def _click_menu(page, app, xmlid):
    """The entry ``xmlid`` of the application ``app``: the application in the
    top bar (unless it is open), then the entry in the side menu; or the
    application itself."""
    if xmlid == app:
        page.locator("%s a[data-menu-xmlid='%s']" % (APPS, app)).click()
        return
    entry = page.locator("%s a[data-menu-xmlid='%s']" % (SIDEBAR, xmlid))
    if not entry.count():
        page.locator("%s a[data-menu-xmlid='%s']" % (APPS, app)).click()
        _idle(page)
    entry.click()


def _loaded(page, action_id, name, target):
    """Wait until the action's view (or dialog) is drawn and the web client's
    calls are answered."""
    page.wait_for_function(LOADED, arg=[action_id, name, target], polling="raf")
    _idle(page)


def _problems(page, log):
    """What went wrong since the last call: JavaScript errors and HTTP 5xx,
    error dialogs and notifications, the server's errors."""
    problems = list(page.spm_errors) + log.errors()
    page.spm_errors.clear()
    problems += ["dialog: %s" % " ".join(text.split())
                 for text in page.locator(ERRORS).all_inner_texts()]
    return problems


def _close_dialogs(page):
    """Close the dialogs on screen (a wizard, an error)."""
    deadline = time.monotonic() + 30
    while page.locator(".modal:visible").count():
        assert time.monotonic() < deadline, "a dialog does not close"
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
        if page.locator(".modal:visible .modal-header .close").count():
            page.locator(".modal:visible .modal-header .close").last.click()
    _idle(page)


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("role", ROLES)
def test_every_menu_opens_without_error(demo_database, demo_server, new_page, role, size):
    db = demo_database[0]
    menus = _role_menus(demo_server, db, role)
    xmlids = [xmlid for _app, xmlid, *_rest in menus]
    # Each role has its results screens, and the Regions.
    assert "%s.crm_team_menu_overview" % ADDON in xmlids
    assert ("%s.dashboard_results_menu" % ADDON in xmlids) == (role in ("director", "executive"))
    log = _LogTail(_server_log(db))
    page = new_page("%s-%s" % (role, size), timezone_id="Asia/Shanghai", **SIZES[size])
    _login(page, demo_server, role)
    failures = ["login: %s" % problem for problem in _problems(page, log)]
    for app, xmlid, menu_id, action_id, name, target in menus:
        page.evaluate("() => document.querySelectorAll('.o_content > *').forEach("
                      "view => { view.dataset.spmFormer = '1'; })")
        try:
            if size == "desktop":
                _click_menu(page, app, xmlid)
            else:
                page.evaluate("hash => { window.location.hash = hash; }",
                              "menu_id=%d&action=%d" % (menu_id, action_id))
            _loaded(page, action_id, name, target)
        except (AssertionError, PlaywrightError) as error:
            failures.append("%s (%s) did not open: %s" % (xmlid, name, str(error).splitlines()[0]))
        failures += ["%s (%s): %s" % (xmlid, name, problem) for problem in _problems(page, log)]
        if target == "new" or page.locator(".modal:visible").count():
            _close_dialogs(page)
    assert failures == [], "\n".join(failures)
