"""Shared fixtures of the test suite.

The suite runs under pytest-odoo against the real database that ``setup/test``
created (``--odoo-config``/``--odoo-database``): the Odoo registry is loaded once
per session, and each test that takes ``env`` works in a transaction that is
rolled back afterwards.  Tests that need HTTP (the compatibility layer's web
tests, the browser tests) share one Odoo server started as a separate process
on a free port against the same database: it sees only committed data.
"""

import contextlib
import os
import shlex
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from edition import (
    VERSION,
    autocommit,
    close_environment,
    forget,
    new_environment,
    odoo_command,
    registry,
)

import odoo
from odoo.tests.common import get_db_name

ROOT = Path(__file__).resolve().parent.parent
# The compatibility layer's tests are for Odoo 11 on Python 3.11; each edition
# has its own browser tests (its own web client).
collect_ignore = ["browser18"] if VERSION < 13 else ["compat", "browser"]
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
ADMIN_LOGIN = ADMIN_PASSWORD = "admin"


@pytest.fixture
def env():
    """An Odoo environment as superuser, rolled back after the test.

    Each test gets its own set of environments (record cache, fields to
    recompute): pytest-odoo opens one for the whole session, and what a failed
    test left to recompute must not reach the next test's cursor.
    """
    cr = registry(get_db_name()).cursor()
    env = new_environment(cr)
    try:
        yield env
    finally:
        forget(env)
        cr.rollback()
        close_environment(env)
        cr.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url, process, timeout, logfile, log_start):
    """Wait until the registry is loaded ("Modules loaded." in the new part of
    the log), then until ``url`` answers.  Odoo 11 serves HTTP before it has
    preloaded the database: a request during the preload loads the registry a
    second time, in parallel, and can leave it broken."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Odoo exited with %s, see %s" % (process.returncode, logfile))
        if logfile.exists():
            with open(logfile, "rb") as log:
                log.seek(log_start)
                if b"Modules loaded." in log.read():
                    break
        time.sleep(0.5)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Odoo exited with %s, see %s" % (process.returncode, logfile))
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("Odoo did not answer %s within %ss, see %s" % (url, timeout, logfile))


@contextlib.contextmanager
def _serve(conf, db):
    """An Odoo server on a free port for ``db``, stopped at the end."""
    port = _free_port()
    logfile = Path(odoo.tools.config["data_dir"]).parent / ("server-%s.log" % db)
    command = odoo_command() + [
        "-c", str(conf),
        "-d", db,
        "--db-filter", "^%s$" % db,
        "--http-interface", "127.0.0.1",
        "--http-port", str(port),
        "--workers", "0",
        "--max-cron-threads", "0",
        "--log-level", "warn",
        "--log-handler", "odoo.modules.loading:INFO",
        "--logfile", str(logfile),
    ]
    log_start = logfile.stat().st_size if logfile.exists() else 0
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    base_url = "http://127.0.0.1:%d" % port
    try:
        _wait_for(base_url + "/web/login", process, 180, logfile, log_start)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def odoo_server():
    """Base URL of an Odoo server serving the test database over HTTP."""
    with _serve(odoo.tools.config.rcfile, get_db_name()) as base_url:
        yield base_url


_DEMO = {}


def pytest_collection_modifyitems(session, config, items):
    """The demo database takes minutes to build: when a collected test uses it,
    it is built in the background from the start of the session (by two
    Odoo processes, while the other tests run), and the tests that use it run
    last, the uninstallation test at the very end."""
    uses = [item for item in items if "demo_database" in getattr(item, "fixturenames", ())]
    if not uses:
        return
    uses.sort(key=lambda item: "uninstall" in item.nodeid)
    items[:] = [item for item in items if item not in uses] + uses
    if not os.environ.get("SPM_DEMO_DB"):
        _start_demo_build()


def _start_demo_build():
    """Create the demo database as ``setup/start`` does (a Chinese company,
    its chart of accounts, then the addon with its demo data) in a background
    process."""
    db = "spm_demo_%d" % os.getpid()
    folder = Path(tempfile.mkdtemp(prefix="spm_demo_"))
    conf = folder / "odoo.conf"
    # Demo data: the suite's "without_demo = all" line removed.
    conf.write_text("".join(line for line in Path(odoo.tools.config.rcfile).read_text()
                            .splitlines(keepends=True)
                            if not line.startswith("without_demo")))
    log = folder / "install.log"
    odoo_bin = " ".join(map(shlex.quote, odoo_command() + [
        "-c", str(conf), "-d", db, "--log-level=warn", "--stop-after-init"]))
    # A Chinese company before anything is accounted (setup/demo-company.py),
    # then China's chart of accounts before the addon (the demo story invoices
    # and collects): Odoo 11's for small businesses; Odoo 18 loads l10n_cn's
    # at the end of the run that installs it.
    company = "%s < %s" % (" ".join(map(shlex.quote, odoo_command() + [
        "shell", "-c", str(conf), "-d", db, "--log-level=warn"])),
        shlex.quote(str(ROOT / "setup" / "demo-company.py")))
    steps = ["-i l10n_cn_small_business" if VERSION < 13 else "-i l10n_cn"]
    script = " && ".join(["%s -i base" % odoo_bin, company] + [
        "%s %s" % (odoo_bin, step) for step in steps + ["-i sales_process_mgmt"]])
    with open(log, "wb") as output:
        process = subprocess.Popen(["bash", "-c", script], stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=subprocess.STDOUT)
    _DEMO.update(db=db, conf=conf, log=log, process=process)


def pytest_unconfigure(config):
    process = _DEMO.get("process")
    if process is not None and process.poll() is None:
        process.kill()


@pytest.fixture(scope="session")
def demo_database():
    """(name, config) of a new database with the addon and its demo data, as
    ``setup/start`` creates it (the chart of accounts first), dropped at the
    end of the session.  The user guide's screenshots are taken on it, and the
    uninstallation test uninstalls the addon from it last.

    ``SPM_DEMO_DB=<name>`` (while developing): use that demo database, made
    before with the same steps, instead of building one; it is kept (the
    uninstallation test would uninstall the addon from it: leave that test out)."""
    if os.environ.get("SPM_DEMO_DB"):
        conf = Path(tempfile.mkdtemp(prefix="spm_demo_")) / "odoo.conf"
        conf.write_text("".join(line for line in Path(odoo.tools.config.rcfile).read_text()
                                .splitlines(keepends=True)
                                if not line.startswith("without_demo")))
        yield os.environ["SPM_DEMO_DB"], conf
        return
    if not _DEMO:
        _start_demo_build()
    process = _DEMO["process"]
    returncode = process.wait(timeout=1800)
    output = _DEMO["log"].read_text(errors="replace")
    assert returncode == 0, output[-3000:]
    assert " ERROR " not in output, output[-3000:]
    # Odoo logs a failure of the demo data as a warning, and goes on without it.
    assert "demo data failed to install" not in output, output[-6000:]
    yield _DEMO["db"], _DEMO["conf"]
    odoo.sql_db.close_db(_DEMO["db"])
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        autocommit(cr)
        cr.execute('DROP DATABASE IF EXISTS "%s"' % _DEMO["db"])


@pytest.fixture(scope="session")
def demo_server(demo_database):
    """Base URL of an Odoo server serving the demo database."""
    db, conf = demo_database
    with _serve(conf, db) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def odoo_rpc(odoo_server):
    """An odoorpc client logged in as admin on the test server (commits)."""
    import odoorpc

    port = int(odoo_server.rsplit(":", 1)[1])
    client = odoorpc.ODOO("127.0.0.1", port=port, timeout=120)
    client.login(get_db_name(), ADMIN_LOGIN, ADMIN_PASSWORD)
    return client


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("SPM_CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


@pytest.fixture
def new_page(browser, request):
    """Opens browser pages: ``new_page(name, **context_options)`` gives a page
    in a new context (its own cookie jar: one per user), and a screenshot of
    each is saved when the test fails.

    ``page.spm_errors`` collects uncaught page errors and HTTP responses with a
    status of 500 or more, for the tests to assert on.
    """
    opened = []

    def open_page(name="", **options):
        options = dict({"viewport": {"width": 1366, "height": 900}, "locale": "en-US"},
                       **options)
        context = browser.new_context(**options)
        page = context.new_page()
        page.set_default_timeout(30000)
        errors = []
        page.on("pageerror", lambda error: errors.append("page error: %s" % error))
        page.on("response", lambda response: response.status >= 500 and errors.append(
            "HTTP %s %s" % (response.status, response.url)))
        page.spm_errors = errors
        opened.append((name, context, page))
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    for name, context, page in opened:
        if failed is not None and failed.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            suffix = "-%s" % name if name else ""
            page.screenshot(path=str(SCREENSHOTS / ("%s%s.png" % (request.node.name, suffix))),
                            full_page=True)
        context.close()


@pytest.fixture
def page(new_page):
    """A fresh browser page (see ``new_page``)."""
    return new_page()
