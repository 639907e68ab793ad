"""The addon installs with its demo data into a new database (the session's
demo database, see ``conftest.demo_database``) and uninstalls cleanly, leaving
none of its records behind.  It runs after the browser tests that take the
user guide's screenshots on that database."""

import subprocess
import sys
from pathlib import Path

from edition import VERSION

import odoo

ROOT = Path(__file__).resolve().parent.parent
UNINSTALL = """
import contextlib
import sys
import odoo
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(["-c", sys.argv[1], "-d", sys.argv[2]])
# Odoo 11 wants its environments managed; 18 does it by itself.
with getattr(odoo.api.Environment, "manage", contextlib.nullcontext)():
    with Registry(sys.argv[2]).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["ir.module.module"].search(
            [("name", "=", "sales_process_mgmt")]).button_immediate_uninstall()
"""


# The salespeople of the demo's regions (Odoo 18: team memberships, names
# translatable and stored as JSON).
REGION_MEMBERS = (
    "SELECT count(*) FROM res_users u JOIN crm_team t ON t.id = u.sale_team_id "
    "WHERE t.name IN ('East Region', 'North Region', 'South Region') AND u.id <> t.user_id"
    if VERSION < 13 else
    "SELECT count(DISTINCT m.user_id) FROM crm_team_member m "
    "JOIN crm_team t ON t.id = m.crm_team_id WHERE m.active "
    "AND t.name->>'en_US' IN ('East Region', 'North Region', 'South Region') "
    "AND m.user_id <> t.user_id")


def _sql(db, query):
    connection = odoo.sql_db.db_connect(db)
    with connection.cursor() as cr:
        cr.execute(query)
        return cr.fetchall()


def test_install_with_demo_data_then_uninstall_cleanly(demo_database):
    db, conf = demo_database
    assert _sql(db, "SELECT state, demo FROM ir_module_module "
                    "WHERE name = 'sales_process_mgmt'") == [("installed", True)]
    assert _sql(db, "SELECT login FROM res_users WHERE login IN "
                    "('director', 'supervisor', 'salesperson', 'executive') ORDER BY login") == [
        ("director",), ("executive",), ("salesperson",), ("supervisor",)]
    # The demo story: three regions of four salespeople, four weeks of history.
    assert _sql(db, REGION_MEMBERS) == [(12,)]
    for table, at_least in (("sales_visit_plan", 150), ("sales_daily_report", 100),
                            ("sales_market_report", 8), ("sales_weekly_report", 6),
                            ("sales_coaching", 1), ("account_payment", 20)):
        count = _sql(db, "SELECT count(*) FROM %s" % table)[0][0]
        assert count >= at_least, (table, count)

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
