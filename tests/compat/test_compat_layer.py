"""The Python 3.11 compatibility layer: each fix, and Odoo served over HTTP."""

import base64
import collections
import inspect
import re
import subprocess
import sys
import threading
import urllib.request
import xml.etree.ElementTree
from pathlib import Path

import pytest
import yaml
from lxml import etree

import odoo

import odoo_py311_compat

ROOT = Path(__file__).resolve().parents[2]


def test_layer_is_applied_before_odoo_by_the_venv():
    """The .pth file applies the layer at start-up: a bare interpreter of the
    virtual environment imports odoo and has the fixes in place."""
    code = (
        "import sys\n"
        "assert 'odoo' not in sys.modules\n"
        "assert 'odoo_py311_compat' in sys.modules\n"
        "import odoo.tools.safe_eval, odoo.api\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_apply_is_idempotent():
    finders = [f for f in sys.meta_path if type(f).__name__ == "_OdooPatchFinder"]
    odoo_py311_compat.apply()
    assert [f for f in sys.meta_path if type(f).__name__ == "_OdooPatchFinder"] == finders
    assert len(finders) == 1


def test_collections_abc_aliases():
    assert collections.Iterable is collections.abc.Iterable
    assert collections.MutableMapping is collections.abc.MutableMapping
    assert isinstance(odoo.models.BaseModel, type)


def test_getargspec_as_on_python36():
    def method(self, a, b=2, *args, **kwargs):
        return a

    spec = inspect.getargspec(method)
    assert spec == (["self", "a", "b"], "args", "kwargs", (2,))
    assert spec.args == ["self", "a", "b"]
    assert inspect.formatargspec(*spec) == "(self, a, b=2, *args, **kwargs)"

    def keyword_only(a, *, b):
        return a

    with pytest.raises(ValueError):
        inspect.getargspec(keyword_only)


def test_ormcache_builds_its_key_with_formatargspec(env):
    # odoo.tools.cache compiles a lambda from formatargspec(getargspec(...)).
    assert env["ir.model.data"].xmlid_to_res_id("base.main_company") == env.ref(
        "base.main_company").id


def test_removed_aliases():
    assert base64.encodestring(b"odoo") == b"b2Rvbw==\n"
    assert base64.decodestring(b"b2Rvbw==\n") == b"odoo"
    assert threading.current_thread().isAlive() is True


def test_yaml_default_loader_only_for_odoo_yaml_import():
    import odoo.tools.yaml_import  # noqa: F401 - odoo.tools re-exports a function of that name

    yaml_import = sys.modules["odoo.tools.yaml_import"]
    assert yaml_import.yaml.load("a: [1, 2]") == {"a": [1, 2]}
    with pytest.raises(TypeError):
        yaml.load("a: 1")  # PyYAML itself is unchanged


def test_web_client_elementtree_has_getchildren_and_the_global_one_is_untouched():
    from odoo.addons.web.controllers import main

    element = main.ElementTree.fromstring("<templates><t t-name='a'/><t t-name='b'/></templates>")
    assert [child.get("t-name") for child in element.getchildren()] == ["a", "b"]
    assert main.ElementTree is not xml.etree.ElementTree
    assert not hasattr(xml.etree.ElementTree.Element, "getchildren")


def test_qweb_compiles_and_renders_a_template(env):
    template = etree.fromstring(
        '<div><t t-set="total" t-value="0"/>'
        '<t t-foreach="lines" t-as="line"><t t-set="total" t-value="total + line"/>'
        '<span t-att-class="\'odd\' if line % 2 else None" t-esc="line"/></t>'
        '<b t-if="total &gt; 5" t-esc="total"/><i t-else="">small</i></div>')
    html = env["ir.qweb"].render(template, {"lines": [1, 2, 4]})
    assert html.decode() == (
        '<div><span class="odd">1</span><span>2</span><span>4</span><b>7</b></div>')


def test_only_addons_with_their_dependencies_are_on_the_addons_path():
    result = subprocess.run(
        [sys.executable, str(ROOT / "setup" / "prune_odoo_addons.py"), "--check"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    addons = set(odoo.modules.module.get_modules())
    assert {"crm", "sale_margin", "report_xlsx", "sales_process_mgmt"} <= addons
    assert "website_crm" not in addons  # its dependency website_form is absent


def test_server_serves_the_login_page(odoo_server):
    with urllib.request.urlopen(odoo_server + "/web/login", timeout=60) as response:
        assert response.status == 200
        body = response.read().decode()
    assert 'name="login"' in body and 'name="password"' in body


def _logged_in_opener(base_url):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(base_url + "/web/login", timeout=60).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"login": "admin", "password": "admin", "csrf_token": token}).encode()
    opener.open(base_url + "/web/login", data, timeout=60).read()
    return opener


def test_backend_assets_compile_without_error(odoo_server):
    """The backend page and its bundles load; LESS compiled with lessc."""
    opener = _logged_in_opener(odoo_server)
    with opener.open(odoo_server + "/web", timeout=120) as response:
        assert response.status == 200
        page = response.read().decode()
    assert "odoo.define" in page or "web.assets_backend" in page
    css_urls = re.findall(r'href="(/web/content/[^"]*web\.assets_backend[^"]*\.css)"', page)
    js_urls = re.findall(r'src="(/web/content/[^"]*web\.assets_backend[^"]*\.js)"', page)
    assert css_urls and js_urls
    for url in css_urls:
        css = opener.open(odoo_server + url, timeout=120).read().decode()
        assert "Could not execute command" not in css
        assert "o_main_navbar" in css or "o_web_client" in css
    for url in js_urls:
        with opener.open(odoo_server + url, timeout=120) as response:
            assert response.status == 200
            assert len(response.read()) > 100000
    with opener.open(odoo_server + "/web/webclient/qweb?mods=web", timeout=60) as response:
        assert response.status == 200
        assert b"<templates" in response.read()


def test_prefork_server_with_workers_serves_requests(tmp_path):
    """--workers=2: the workers set their CPU rlimit (a float on 3.11) and serve."""
    from conftest import _free_port, _wait_for

    port, longpolling_port = _free_port(), _free_port()
    logfile = tmp_path / "prefork.log"
    db = odoo.tools.config["db_name"]
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "setup" / "odoo-bin"), "-c", odoo.tools.config.rcfile,
         "-d", db, "--db-filter", "^%s$" % db, "--workers", "2", "--max-cron-threads", "0",
         "--http-interface", "127.0.0.1", "--http-port", str(port),
         "--longpolling-port", str(longpolling_port), "--logfile", str(logfile)],
        stdin=subprocess.DEVNULL)
    try:
        url = "http://127.0.0.1:%d/web/login" % port
        _wait_for(url, process, 120, logfile, 0)
        statuses = [urllib.request.urlopen(url, timeout=30).status for _ in range(6)]
    finally:
        process.terminate()
        process.wait(30)
    assert statuses == [200] * 6
    log = logfile.read_text()
    assert "WorkerHTTP" in log
    assert "Exception occured" not in log and "Traceback" not in log
