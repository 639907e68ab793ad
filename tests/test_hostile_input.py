"""Hostile input over RPC: every writable field of every model of the addon
gets, in a create and in a write, values of the wrong type or out of range
(HTML and script, very long text, huge, negative and non-numeric numbers,
dates far in the past and future or not dates, ids that are not ids or of no
record, choices not offered, broken lines), and the buttons that take an
argument get the same.  Each is refused with a clear message (an Odoo
UserError, ValidationError or AccessError) or stored harmlessly: never a
server error."""

import time

import odoorpc
import pytest
from edition import CUSTOMER, VERSION
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CLEAN = {"odoo.exceptions.%s" % name for name in (
    "UserError", "ValidationError", "AccessError", "MissingError", "AccessDenied")}
HOSTILE_TEXT = ["<script>alert(1)</script><img src=x onerror=alert(1)>", "x" * 100000,
                12345, ["a"], {"a": 1}]
HOSTILE = {
    "char": HOSTILE_TEXT, "text": HOSTILE_TEXT, "html": HOSTILE_TEXT,
    "integer": [2 ** 40, -2 ** 40, "abc", 1.5, [1]],
    "float": [1e300, -1e300, "abc", [1], {"a": 1}],
    "monetary": [1e300, -1e300, "abc", [1]],
    "date": ["0001-01-01", "9999-12-31", "2026-13-45", "abc", 20260101, [1]],
    "datetime": ["0001-01-01 00:00:00", "9999-12-31 23:59:59", "2026-03-10 25:61:00", "abc",
                 20260101, [1]],
    "many2one": [2 ** 31 + 5, -1, "abc", [1, 2], 1.5, 999999999],
    "selection": ["not_a_value", 5, [1]],
    "boolean": ["yes", 2, [1]],
    "one2many": ["abc", [[0, 0, "x"]], [[4, "a"]], [[9, 1]], 5],
    "many2many": ["abc", [[0, 0, "x"]], [[6, 0, [999999999]]], [[4, "a"]], [[6, 0, "x"]], 5],
}
# The fields the ORM and mail manage (followers, messages, activities).
SKIPPED = {"id", "__last_update", "display_name", "create_uid", "create_date", "write_uid",
           "write_date"}
SKIPPED_PREFIXES = ("message_", "activity_", "website_message")
MODELS = ["sales.visit.plan", "sales.visit", "sales.visit.expense", "sales.daily.report",
          "sales.daily.report.target", "sales.daily.report.market", "sales.market.report",
          "sales.meeting", "sales.meeting.action", "sales.meeting.attendee", "sales.coaching",
          "sales.target", "sales.target.line", "sales.weekly.report",
          "sales.weekly.report.target"]


def outcome(function, *args):
    """"ok", or the name of the exception the server answered with when
    called with ``args``."""
    try:
        function(*args)
    except odoorpc.error.RPCError as error:
        return error.info.get("data", {}).get("name", "?")
    return "ok"


@pytest.fixture(scope="module")
def records(odoo_rpc):
    """One record of each model, made over RPC by the administrator (a sales
    director): a team, its salesperson's plan with a visit and its expense, a
    daily report with a target line and a market line, a market report, a
    meeting with an attendee and an action, a coaching, a target with a team
    and a salesperson line, the team's weekly report with its target lines."""
    env = odoo_rpc.env
    tag = int(time.time() * 1000)
    groups = {role: env.ref("sales_process_mgmt.group_%s" % role).id
              for role in ("salesperson", "supervisor")}
    leader = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Hostile Leader", "login": "hostile_sup_%s" % tag,
        "groups_id": [(6, 0, [groups["supervisor"]])]})
    rep = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Hostile Rep", "login": "hostile_rep_%s" % tag,
        "groups_id": [(6, 0, [groups["salesperson"]])]})
    team = env["crm.team"].create({"name": "Hostile %s" % tag, "user_id": leader})
    if VERSION < 13:
        env["res.users"].write([rep], {"sale_team_id": team})
    else:
        env["crm.team"].write([team], {"member_ids": [(4, rep)]})
    partner = env["res.partner"].create(dict(CUSTOMER, name="Hostile Shop", is_company=True))
    day = "2026-03-10"
    target = env["sales.target"].create({"name": "Hostile plan %s" % tag,
                                         "date_from": "2026-01-01", "date_to": "2026-12-31"})
    lines = env["sales.target.line"]
    lines.create({"target_id": target, "metric": "sales", "date_from": "2026-03-01",
                  "date_to": "2026-03-31", "target_amount": 1000.0, "team_id": team})
    line = lines.create({"target_id": target, "metric": "sales", "date_from": "2026-03-01",
                         "date_to": "2026-03-31", "target_amount": 500.0, "team_id": team,
                         "user_id": rep})
    plan = env["sales.visit.plan"].create({"date": day, "user_id": rep, "visit_ids": [
        (0, 0, {"partner_id": partner, "purpose": "order",
                "planned_start": "%s 02:00:00" % day, "planned_stop": "%s 03:00:00" % day,
                "expense_ids": [(0, 0, {"category": "meals", "amount": 10.0})]})]})
    visit = env["sales.visit.plan"].read([plan], ["visit_ids"])[0]["visit_ids"][0]
    expense = env["sales.visit"].read([visit], ["expense_ids"])[0]["expense_ids"][0]
    market = env["sales.market.report"].create({"title": "Price cut", "description": "Cut.",
                                                "team_id": team})
    report = env["sales.daily.report"].create({"date": day, "user_id": rep, "market_line_ids": [
        (0, 0, {"description": "A competitor's promotion."})]})
    found = env["sales.daily.report"].read([report], ["target_ids", "market_line_ids"])[0]
    meeting = env["sales.meeting"].create({
        "name": "Hostile meeting", "team_id": team, "chair_id": leader,
        "start": "%s 01:00:00" % day, "stop": "%s 02:00:00" % day,
        "attendee_ids": [(0, 0, {"user_id": rep})],
        "action_ids": [(0, 0, {"name": "Call back", "user_id": rep})]})
    parts = env["sales.meeting"].read([meeting], ["attendee_ids", "action_ids"])[0]
    coaching = env["sales.coaching"].create({"user_id": rep, "coach_id": leader})
    weekly_ids = env["sales.weekly.report"].generate_week(day)
    weekly = [row for row in env["sales.weekly.report"].read(weekly_ids, ["team_id", "target_ids"])
              if row["team_id"][0] == team][0]
    found_ids = {
        "sales.visit.plan": plan, "sales.visit": visit, "sales.visit.expense": expense,
        "sales.daily.report": report, "sales.daily.report.target": found["target_ids"][0],
        "sales.daily.report.market": found["market_line_ids"][0], "sales.market.report": market,
        "sales.meeting": meeting, "sales.meeting.attendee": parts["attendee_ids"][0],
        "sales.meeting.action": parts["action_ids"][0], "sales.coaching": coaching,
        "sales.target": target, "sales.target.line": line,
        "sales.weekly.report": weekly["id"],
        "sales.weekly.report.target": weekly["target_ids"][0],
    }
    assert set(found_ids) == set(MODELS)
    return found_ids


def _writable_fields(odoo_rpc, model):
    fields = odoo_rpc.env[model].fields_get(attributes=["type", "readonly", "store"])
    return sorted((name, field["type"]) for name, field in fields.items()
                  if not field.get("readonly") and field.get("store", True)
                  and name not in SKIPPED and not name.startswith(SKIPPED_PREFIXES)
                  and field["type"] in HOSTILE)


@pytest.mark.parametrize("model", MODELS)
def test_hostile_values_never_give_a_server_error(odoo_rpc, records, model):
    record = records[model]
    server_errors = []
    for name, ftype in _writable_fields(odoo_rpc, model):
        for value in HOSTILE[ftype]:
            for operation, args in (("write", [[record], {name: value}]),
                                    ("create", [{name: value}])):
                result = outcome(odoo_rpc.execute_kw, model, operation, args)
                if result != "ok" and result not in CLEAN:
                    server_errors.append((operation, name, repr(value)[:40], result))
    assert server_errors == []


@pytest.mark.parametrize("model,method", [("sales.visit.plan", "action_return"),
                                          ("sales.daily.report", "action_return"),
                                          ("sales.visit", "action_missed")])
def test_buttons_taking_text_refuse_what_is_not_text(odoo_rpc, records, model, method):
    for value in (5, ["a"], {"a": 1}, None, "   "):
        result = outcome(odoo_rpc.execute_kw, model, method, [[records[model]], value])
        assert result == "odoo.exceptions.UserError", (value, result)


def test_the_weekly_report_refuses_a_day_that_is_not_a_date(odoo_rpc, records):
    for value in ("abc", "2026-13-45", 20260101, ["2026-03-10"], None, "0001-01-01"):
        result = outcome(odoo_rpc.env["sales.weekly.report"].generate_week, value)
        assert result == "odoo.exceptions.UserError", (value, result)


@given(text=st.text(min_size=1, max_size=300))
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_is_stored_as_it_was_written(odoo_rpc, records, text):
    """Whatever text a salesperson writes into a market report (control
    characters, other scripts, markup) comes back as written; text that is
    only blank, or holds a NUL character (which PostgreSQL refuses), is
    refused with a message."""
    if "\x00" in text or not text.strip():
        assert outcome(odoo_rpc.execute_kw, "sales.market.report", "write",
                       [[records["sales.market.report"]], {"description": text}]) in CLEAN
        return
    odoo_rpc.execute_kw("sales.market.report", "write",
                        [[records["sales.market.report"]], {"description": text}])
    stored = odoo_rpc.execute_kw("sales.market.report", "read",
                                 [[records["sales.market.report"]], ["description"]])
    assert stored[0]["description"] == text
