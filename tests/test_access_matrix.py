"""The access matrix: every model of the addon × every group × read, write,
create, unlink (the access rights), and the record rules across teams."""

import pytest
from edition import as_user, has_right, invalidate, may
from targets_scenario import Scenario, make_user

ROLES = ("salesperson", "supervisor", "director", "executive", "internal", "portal")
# model: rights per role, in the order of ROLES ("rwcu": read, write, create, unlink).
EXPECTED = {
    "sales.coaching": ("r---", "rwcu", "rwcu", "----", "----", "----"),
    "sales.daily.report": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.daily.report.market": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.daily.report.target": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.efficiency.report": ("r---", "r---", "r---", "r---", "----", "----"),
    "sales.market.report": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.meeting": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.meeting.action": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.meeting.attendee": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.report.kpi": ("r---", "r---", "r---", "r---", "----", "----"),
    "sales.target": ("r---", "r---", "rwcu", "r---", "----", "----"),
    "sales.target.analysis": ("r---", "r---", "r---", "r---", "----", "----"),
    "sales.target.fact": ("r---", "r---", "r---", "r---", "----", "----"),
    "sales.target.line": ("r---", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.visit": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.visit.expense": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.visit.plan": ("rwcu", "rwcu", "rwcu", "r---", "----", "----"),
    "sales.weekly.report": ("----", "rw--", "rwcu", "r---", "----", "----"),
    "sales.weekly.report.target": ("----", "rwcu", "rwcu", "r---", "----", "----"),
}
OPERATIONS = ("read", "write", "create", "unlink")


@pytest.fixture
def users(env):
    group = "sales_process_mgmt.group_%s"
    found = {role: make_user(env, "acl_" + role, None, group % role)
             for role in ("salesperson", "supervisor", "director", "executive")}
    found["internal"] = make_user(env, "acl_internal")
    found["portal"] = env["res.users"].with_context(no_reset_password=True).create({
        "name": "Acl Portal", "login": "acl_portal", "email": "acl_portal@example.com",
        "groups_id": [(6, 0, [env.ref("base.group_portal").id])]})
    return found


def test_every_model_is_in_the_matrix(env):
    models = {name for name in env.registry if name.startswith("sales.")
              and not env[name]._abstract and not env[name]._transient}
    assert models == set(EXPECTED)


@pytest.mark.parametrize("model", sorted(EXPECTED))
def test_access_rights(env, users, model):
    actual = tuple(
        "".join(operation[0] if has_right(as_user(env[model], users[role]), operation)
                else "-" for operation in OPERATIONS)
        for role in ROLES)
    assert actual == EXPECTED[model]


def test_record_rules_across_teams(env):
    """Each document of the North team: who of North, South, the director and
    the executive can read and write it."""
    s = Scenario(env)
    day = "2026-03-10"
    plan = as_user(env["sales.visit.plan"], s.alice).create({"date": day, "visit_ids": [
        (0, 0, {"partner_id": s.shop_x.id, "purpose": "order",
                "planned_start": "%s 02:00:00" % day, "planned_stop": "%s 03:00:00" % day,
                "expense_ids": [(0, 0, {"category": "meals", "amount": 10.0})]})]}).sudo()
    report = as_user(env["sales.daily.report"], s.alice).create({"date": day}).sudo()
    market = as_user(env["sales.market.report"], s.alice).create({
        "title": "t", "description": "d"}).sudo()
    coaching = env["sales.coaching"].create({"user_id": s.alice.id,
                                             "coach_id": s.sup_north.id})
    meeting = env["sales.meeting"].create({
        "name": "m", "team_id": s.north.id, "chair_id": s.sup_north.id,
        "start": "%s 01:00:00" % day, "stop": "%s 02:00:00" % day,
        "attendee_ids": [(0, 0, {"user_id": s.alice.id})]})
    documents = [plan, plan.visit_ids, plan.visit_ids.expense_ids, report, market, coaching,
                 meeting, meeting.attendee_ids]
    # who: (may read, may write)
    expected = {
        "t_alice": [(1, 1), (1, 1), (1, 1), (1, 1), (1, 1), (1, 0), (1, 0), (1, 0)],
        "t_bob": [(0, 0), (0, 0), (0, 0), (0, 0), (1, 0), (0, 0), (0, 0), (0, 0)],
        "t_carol": [(0, 0)] * 8,
        "t_sup_north": [(1, 1)] * 8,
        "t_sup_south": [(0, 0)] * 8,
        "t_director": [(1, 1)] * 8,
        "t_executive": [(1, 0), (1, 0), (1, 0), (1, 0), (1, 0), (0, 0), (1, 0), (1, 0)],
    }
    users = {user.login: user for user in (s.alice, s.bob, s.carol, s.sup_north, s.sup_south,
                                           s.director, s.executive)}
    for login, rights in expected.items():
        actual = []
        for record in documents:
            model = as_user(record, users[login])
            readable = has_right(model, "read") and bool(
                model.search([("id", "in", record.ids)]))
            writable = has_right(model, "write") and bool(
                readable and may(model, "write"))
            actual.append((int(readable), int(writable)))
        assert actual == rights, login


def test_related_and_computed_fields_do_not_leak(env):
    """Bob (North) reads Carol's (South) coaching through his own user? No:
    the one2many is filtered by the rules; and the efficiency figures of the
    daily report form are the report's salesperson's only."""
    s = Scenario(env)
    env["sales.coaching"].create({"user_id": s.carol.id, "coach_id": s.sup_south.id})
    # Each user reads afresh: Odoo 18 keeps one value of a one2many per
    # transaction, whoever read it first (a request is one user's transaction).
    for user, count in ((s.bob, 0), (s.sup_north, 0), (s.sup_south, 1)):
        invalidate(s.carol)
        assert len(as_user(s.carol, user).sales_coaching_ids) == count, user.login
    analysis = as_user(env["sales.efficiency.report"], s.bob).read_group(
        [], ["user_id", "visit_done"], ["user_id"])
    assert {group["user_id"][0] for group in analysis} <= {s.bob.id}
