"""The addon installs with its demo data into a new database and uninstalls
cleanly, leaving none of its records behind."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import odoo

ROOT = Path(__file__).resolve().parent.parent
UNINSTALL = """
import sys
import odoo
odoo.tools.config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2]])
with odoo.api.Environment.manage():
    registry = odoo.registry(sys.argv[2])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["ir.module.module"].search(
            [("name", "=", "sales_process_mgmt")]).button_immediate_uninstall()
"""


def _sql(db, query):
    connection = odoo.sql_db.db_connect(db)
    with connection.cursor() as cr:
        cr.execute(query)
        return cr.fetchall()


@pytest.fixture
def scratch_db(tmp_path):
    db = "spm_scratch_%d" % os.getpid()
    conf = tmp_path / "odoo.conf"
    text = Path(odoo.tools.config.rcfile).read_text()
    conf.write_text(text.replace("without_demo = all", "without_demo = False"))
    yield db, conf
    odoo.sql_db.close_db(db)
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.autocommit(True)
        cr.execute('DROP DATABASE IF EXISTS "%s"' % db)


def test_install_with_demo_data_then_uninstall_cleanly(scratch_db):
    db, conf = scratch_db
    odoo_bin = [sys.executable, str(ROOT / "setup" / "odoo-bin"), "-c", str(conf), "-d", db,
                "--log-level=warn", "--stop-after-init"]
    installed = subprocess.run(odoo_bin + ["-i", "sales_process_mgmt"],
                               capture_output=True, text=True, timeout=900)
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert " ERROR " not in installed.stderr, installed.stderr[-3000:]
    assert _sql(db, "SELECT state, demo FROM ir_module_module "
                    "WHERE name = 'sales_process_mgmt'") == [("installed", True)]
    assert _sql(db, "SELECT login FROM res_users WHERE login IN "
                    "('director', 'supervisor', 'salesperson', 'executive') ORDER BY login") == [
        ("director",), ("executive",), ("salesperson",), ("supervisor",)]

    uninstalled = subprocess.run([sys.executable, "-c", UNINSTALL, str(conf), db],
                                 capture_output=True, text=True, timeout=900)
    assert uninstalled.returncode == 0, uninstalled.stderr[-3000:]
    assert _sql(db, "SELECT state FROM ir_module_module "
                    "WHERE name = 'sales_process_mgmt'") == [("uninstalled",)]
    leftovers = _sql(db, "SELECT model, name FROM ir_model_data "
                         "WHERE module = 'sales_process_mgmt'")
    assert leftovers == [], leftovers
    assert _sql(db, "SELECT count(*) FROM ir_ui_menu WHERE web_icon LIKE "
                    "'sales_process_mgmt,%%'") == [(0,)]
