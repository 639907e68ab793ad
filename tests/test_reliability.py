"""Nothing lost or made twice: a failure in the middle of the weekly reports'
scheduled action, two people acting on the same document at the same moment
(two real database connections, through the server), and text written to
hurt shown as text wherever the addon renders HTML."""

import logging
import threading
from collections import Counter
from datetime import date, timedelta
from unittest.mock import patch

import pytest
from edition import CUSTOMER, VERSION, as_text, as_user, flush
from targets_scenario import Scenario

from odoo.exceptions import UserError

DAY = "2026-03-10"
MONDAY = "2026-03-09"
HOSTILE = "<img src=x onerror=alert(1)>"


def test_one_team_failing_does_not_cost_the_other_teams_their_weekly_report(env, caplog):
    """South's figures fail (an exception injected in the middle of the run):
    North's report is made, the failure is logged with South's name, and the
    next run makes South's report."""
    s = Scenario(env)
    weekly = env["sales.weekly.report"]
    model_class = type(weekly)
    prepare = model_class._prepare_refresh_values

    def failing_for_south(report, figures):
        if report.team_id == s.south:
            raise RuntimeError("injected failure")
        return prepare(report, figures)

    with caplog.at_level(logging.ERROR, logger="odoo.addons.sales_process_mgmt"), \
            patch.object(model_class, "_prepare_refresh_values", failing_for_south):
        made = weekly._cron_generate("2026-03-16")
    assert s.north in made.mapped("team_id")
    assert s.south not in made.mapped("team_id")
    assert not weekly.search([("team_id", "=", s.south.id), ("week_start", "=", MONDAY)])
    north = weekly.search([("team_id", "=", s.north.id), ("week_start", "=", MONDAY)])
    assert north.refreshed_at
    failures = [record for record in caplog.records if "could not be computed" in
                record.getMessage()]
    assert len(failures) == 1 and "South" in failures[0].getMessage()
    assert failures[0].exc_info and "injected failure" in str(failures[0].exc_info[1])

    made = weekly._cron_generate("2026-03-16")
    assert {s.north, s.south} <= set(made.mapped("team_id"))
    assert weekly.search_count([("team_id", "in", (s.north | s.south).ids),
                                ("week_start", "=", MONDAY)]) == 2


def test_the_next_mondays_run_makes_the_report_a_failure_left_out(env):
    """South's report of the week of 9 March failed on Monday 16 March; the run
    of Monday 23 March makes it, with the week of 16 March of both teams."""
    s = Scenario(env)
    flush(env)
    env.cr.execute("UPDATE crm_team SET create_date = '2026-01-01' WHERE id IN %s",
                   (tuple((s.north | s.south).ids),))
    weekly = env["sales.weekly.report"]
    model_class = type(weekly)
    prepare = model_class._prepare_refresh_values

    def failing_for_south(report, figures):
        if report.team_id == s.south:
            raise RuntimeError("injected failure")
        return prepare(report, figures)

    with patch.object(model_class, "_prepare_refresh_values", failing_for_south):
        weekly._cron_generate("2026-03-16")
    made = weekly._cron_generate("2026-03-23")
    assert {(report.team_id, as_text(report.week_start)) for report in made} >= {
        (s.north, "2026-03-16"), (s.south, "2026-03-16"), (s.south, MONDAY)}
    assert weekly.search_count([("team_id", "in", (s.north | s.south).ids),
                                ("week_start", "=", MONDAY)]) == 2


def test_refreshing_a_report_whose_figures_fail_says_so(env):
    s = Scenario(env)
    weekly = env["sales.weekly.report"]
    weekly.generate_week(DAY)
    report = weekly.search([("team_id", "=", s.north.id), ("week_start", "=", MONDAY)])
    before = report.refreshed_at
    model_class = type(weekly)
    with patch.object(model_class, "_prepare_refresh_values",
                      side_effect=RuntimeError("injected failure")):
        with pytest.raises(UserError, match="could not be computed"):
            as_user(report, s.director).action_refresh()
    assert report.refreshed_at == before


# ---------------------------------------------------------------- two at once

def _committed_scenario(odoo_rpc, tag):
    """Over RPC (committed, seen by the server): a team with its supervisor, a
    second supervisor who is a director, a salesperson and a submitted plan."""
    env = odoo_rpc.env
    group = "sales_process_mgmt.group_%s"
    users = {}
    for role, name in (("supervisor", "sup"), ("director", "dir"), ("salesperson", "rep")):
        login = "twice_%s_%s" % (name, tag)
        users[name] = env["res.users"].with_context(no_reset_password=True).create({
            "name": login, "login": login, "password": login, "tz": "Asia/Shanghai",
            "email": "%s@example.com" % login,
            "groups_id": [(6, 0, [env.ref(group % role).id])]})
    team = env["crm.team"].create({"name": "Twice %s" % tag, "user_id": users["sup"]})
    if VERSION < 13:
        env["res.users"].browse(users["rep"]).write({"sale_team_id": team})
    else:
        env["crm.team"].browse(team).write({"member_ids": [(4, users["rep"])]})
    partner = env["res.partner"].create(dict(CUSTOMER, name="Twice Shop %s" % tag,
                                             is_company=True))
    return users, partner


def _client(odoo_server, login):
    import odoorpc

    from odoo.tests.common import get_db_name

    port = int(odoo_server.rsplit(":", 1)[1])
    client = odoorpc.ODOO("127.0.0.1", port=port, timeout=120)
    client.login(get_db_name(), login, login)
    return client


def _at_once(calls):
    """Run ``calls`` (callables) at the same moment in threads; their results
    or the exceptions they raised, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 (what the client sees)
            results[index] = ("error", error)

    threads = [threading.Thread(target=run, args=(index, call))
               for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return results


@pytest.mark.parametrize("action", ["approve", "return"])
def test_two_supervisors_deciding_on_one_plan_at_once(odoo_rpc, odoo_server, action):
    """The team's supervisor and a director approve (or return) the same
    submitted plan at the same moment, each over their own connection: one
    succeeds, the other is told the plan is no longer waiting; one message to
    the salesperson, one state change, the approval activity closed once."""
    import odoorpc

    tag = "%s_%s" % (action, odoo_server.rsplit(":", 1)[1])
    users, partner = _committed_scenario(odoo_rpc, tag)
    rep = _client(odoo_server, "twice_rep_%s" % tag)
    day = odoo_rpc.env["sales.visit.plan"].default_get(["date"])["date"]
    plan_id = rep.env["sales.visit.plan"].create({"date": day, "visit_ids": [
        (0, 0, {"partner_id": partner, "purpose": "order",
                "planned_start": "%s 02:00:00" % day, "planned_stop": "%s 03:00:00" % day})]})
    rep.env["sales.visit.plan"].browse(plan_id).action_submit()
    deciders = [_client(odoo_server, "twice_%s_%s" % (who, tag)) for who in ("sup", "dir")]

    def decide(client):
        plans = client.env["sales.visit.plan"]
        if action == "approve":
            return plans.browse(plan_id).action_approve()
        return plans.browse(plan_id).action_return("Visit the shop in the morning.")

    results = _at_once([lambda client=client: decide(client) for client in deciders])
    outcomes = sorted(kind for kind, _value in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, odoorpc.error.RPCError)
    assert "is not waiting for approval" in str(error), str(error)

    plan = odoo_rpc.env["sales.visit.plan"].browse(plan_id)
    assert plan.state == ("approved" if action == "approve" else "draft")
    word = "Approved by" if action == "approve" else "Returned by"
    messages = odoo_rpc.env["mail.message"].search([
        ("model", "=", "sales.visit.plan"), ("res_id", "=", plan_id),
        ("body", "ilike", word)])
    assert len(messages) == 1
    assert not odoo_rpc.env["mail.activity"].search([
        ("res_model", "=", "sales.visit.plan"), ("res_id", "=", plan_id)])
    if action == "return":
        assert plan.return_count == 1


def test_two_salespeople_editing_one_market_report_at_once(odoo_rpc, odoo_server):
    """The reporter and a colleague of the team write the same market report
    at the same moment: both writes are kept (different fields), or one is
    retried by the server; nobody gets a server error."""
    tag = "market_%s" % odoo_server.rsplit(":", 1)[1]
    users, _partner = _committed_scenario(odoo_rpc, tag)
    colleague = odoo_rpc.env["res.users"].with_context(no_reset_password=True).create({
        "name": "twice_rep2_%s" % tag, "login": "twice_rep2_%s" % tag,
        "password": "twice_rep2_%s" % tag, "email": "rep2_%s@example.com" % tag,
        "groups_id": [(6, 0, [odoo_rpc.env.ref("sales_process_mgmt.group_supervisor").id])]})
    rep = _client(odoo_server, "twice_rep_%s" % tag)
    report_id = rep.env["sales.market.report"].create({
        "title": "Price cut", "description": "A competitor cut its prices by 10 %."})
    odoo_rpc.env["sales.market.report"].browse(report_id).write({"user_id": colleague})
    other = _client(odoo_server, "twice_rep2_%s" % tag)
    results = _at_once([
        lambda: rep.env["sales.market.report"].write(
            [report_id], {"description": "A competitor cut its prices by 15 %."}),
        lambda: other.env["sales.market.report"].write(
            [report_id], {"title": "Price cut in the east"}),
    ])
    assert [kind for kind, _value in results] == ["ok", "ok"], results
    report = odoo_rpc.env["sales.market.report"].read([report_id], ["title", "description"])[0]
    assert report["title"] == "Price cut in the east"
    assert report["description"] == "A competitor cut its prices by 15 %."


def _director(odoo_rpc, login):
    """A second sales director, committed."""
    return odoo_rpc.env["res.users"].with_context(no_reset_password=True).create({
        "name": login, "login": login, "password": login, "email": "%s@example.com" % login,
        "groups_id": [(6, 0, [odoo_rpc.env.ref("sales_process_mgmt.group_director").id])]})


def test_two_directors_making_the_reports_of_a_new_week_at_once(odoo_rpc, odoo_server):
    """Two directors make the weekly reports of a week that has none at the
    same moment: both find no report and insert them; the second insert meets
    the first's reports (a serialization failure, which Odoo retries with a
    new snapshot that refreshes them): both calls succeed, one report per team
    and week.  Before, the second was refused with "A team has one weekly
    report per week"."""
    tag = "week_%s" % odoo_server.rsplit(":", 1)[1]
    _committed_scenario(odoo_rpc, tag)
    _director(odoo_rpc, "twice_dir2_%s" % tag)
    reports = odoo_rpc.env["sales.weekly.report"]
    day = next(
        str(monday) for monday in (date(2001, 1, 1) + timedelta(weeks=week)
                                   for week in range(1000))
        if not reports.search_count([("week_start", "=", str(monday))]))
    directors = [_client(odoo_server, login)
                 for login in ("twice_dir_%s" % tag, "twice_dir2_%s" % tag)]
    results = _at_once([
        lambda client=client: client.env["sales.weekly.report"].generate_week(day)
        for client in directors])
    assert [kind for kind, _value in results] == ["ok", "ok"], results
    teams = odoo_rpc.env["crm.team"].search([("user_id", "!=", False)])
    made = reports.search_read([("week_start", "=", day)], ["team_id"])
    per_team = Counter(report["team_id"][0] for report in made)
    assert set(per_team) == set(teams) and set(per_team.values()) == {1}, per_team
    assert sorted(results[0][1]) == sorted(results[1][1]) == sorted(
        report["id"] for report in made)
    names = reports.read([made[0]["id"]], ["name", "week_end", "supervisor_id"])[0]
    assert names["name"] and names["week_end"] and names["supervisor_id"], names


def _visit(partner, day, hour):
    return {"partner_id": partner, "purpose": "order",
            "planned_start": "%s %02d:00:00" % (day, hour),
            "planned_stop": "%s %02d:00:00" % (day, hour + 1)}


TWICE = "already has a visit to this customer at this time"


def test_a_visit_sent_again_is_refused(odoo_rpc, odoo_server):
    """A salesperson's client sends "add visit" again (its first answer was
    lost): the second is refused with a clear message and the plan keeps one
    visit; the same customer at another time is accepted.  The web client
    sends the plan with its visits in one create: a plan holding the same
    visit twice is refused whole (no plan made)."""
    import odoorpc

    tag = "visit_%s" % odoo_server.rsplit(":", 1)[1]
    _users, partner = _committed_scenario(odoo_rpc, tag)
    rep = _client(odoo_server, "twice_rep_%s" % tag)
    plans = rep.env["sales.visit.plan"]
    day = odoo_rpc.env["sales.visit.plan"].default_get(["date"])["date"]
    plan_id = plans.create({"date": day})
    visit = dict(_visit(partner, day, 2), plan_id=plan_id)
    rep.env["sales.visit"].create(visit)
    with pytest.raises(odoorpc.error.RPCError, match=TWICE):
        rep.env["sales.visit"].create(visit)
    rep.env["sales.visit"].create(dict(_visit(partner, day, 4), plan_id=plan_id))
    visits = rep.env["sales.visit"].search_read([("plan_id", "=", plan_id)],
                                                ["planned_start"])
    assert sorted(visit["planned_start"] for visit in visits) == [
        "%s 02:00:00" % day, "%s 04:00:00" % day]
    odoo_rpc.env["sales.visit.plan"].browse(plan_id).unlink()

    with pytest.raises(odoorpc.error.RPCError, match=TWICE):
        plans.create({"date": day, "visit_ids": [(0, 0, _visit(partner, day, 2)),
                                                 (0, 0, _visit(partner, day, 2))]})
    assert not plans.search([("date", "=", day)])
    plan_id = plans.create({"date": day, "visit_ids": [(0, 0, _visit(partner, day, 2)),
                                                       (0, 0, _visit(partner, day, 4))]})
    assert len(plans.browse(plan_id).visit_ids) == 2


def test_the_same_visit_sent_twice_at_once_is_made_once(odoo_rpc, odoo_server):
    """The same "add visit" arrives twice at the same moment (a client that
    retried while its first request was still being answered by another
    worker): one is made, the other refused with the message; one visit."""
    import odoorpc

    tag = "visit2_%s" % odoo_server.rsplit(":", 1)[1]
    _users, partner = _committed_scenario(odoo_rpc, tag)
    clients = [_client(odoo_server, "twice_rep_%s" % tag) for _index in range(2)]
    day = odoo_rpc.env["sales.visit.plan"].default_get(["date"])["date"]
    plan_id = clients[0].env["sales.visit.plan"].create({"date": day})
    visit = dict(_visit(partner, day, 2), plan_id=plan_id)
    results = _at_once([lambda client=client: client.env["sales.visit"].create(visit)
                        for client in clients])
    assert sorted(kind for kind, _value in results) == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, odoorpc.error.RPCError) and TWICE in str(error), str(error)
    assert odoo_rpc.env["sales.visit"].search_count([("plan_id", "=", plan_id)]) == 1


# ------------------------------------------------------------ text that hurts

def test_hostile_names_are_text_in_every_html_the_addon_renders(env):
    """A customer and a competitor named with HTML, a market report titled with
    it: the weekly report's tables show the names as text; no tag of theirs
    reaches the HTML (the browser test checks that nothing runs)."""
    s = Scenario(env)
    partners = env["res.partner"]
    customer = partners.create(dict(CUSTOMER, name=HOSTILE, is_company=True))
    competitor = partners.create({"name": HOSTILE, "is_company": True})
    as_user(env["sales.market.report"], s.alice).create({
        "title": HOSTILE, "description": HOSTILE, "kind": "customer_complaint",
        "competitor_id": competitor.id, "partner_id": customer.id, "date": DAY})
    flush(env)
    env["sales.weekly.report"].generate_week(DAY)
    report = env["sales.weekly.report"].search([("team_id", "=", s.north.id),
                                                ("week_start", "=", MONDAY)])
    for html in (report.abnormal_html, report.competitor_html):
        assert html and "&lt;img src=x onerror=alert(1)&gt;" in html, html
        assert "<img" not in html, html


def test_hostile_text_is_text_in_messages_and_activities(env):
    """A market report titled with HTML, a plan returned with HTML as the
    reason, a meeting named with it: the messages and the activities' notes
    the addon writes show the text, escaped."""
    s = Scenario(env)
    market = as_user(env["sales.market.report"], s.alice).create({
        "title": HOSTILE, "description": HOSTILE, "severity": "critical"})
    plan = as_user(env["sales.visit.plan"], s.alice).create({"date": DAY, "visit_ids": [
        (0, 0, {"partner_id": s.shop_x.id, "purpose": "order",
                "planned_start": "%s 02:00:00" % DAY, "planned_stop": "%s 03:00:00" % DAY})]})
    plan.action_submit()
    as_user(plan, s.sup_north).action_return(HOSTILE)
    meeting = env["sales.meeting"].create({
        "name": HOSTILE, "team_id": s.north.id, "chair_id": s.sup_north.id,
        "start": "%s 01:00:00" % DAY, "stop": "%s 02:00:00" % DAY,
        "action_ids": [(0, 0, {"name": "Call back", "user_id": s.alice.id,
                               "date_deadline": "2026-03-20"})]})
    flush(env)
    bodies = [str(body) for body in env["mail.message"].search([
        "|", "&", ("model", "=", "sales.market.report"), ("res_id", "=", market.id),
        "&", ("model", "=", "sales.visit.plan"), ("res_id", "=", plan.id)]).mapped("body")]
    notes = [str(note) for note in env["mail.activity"].search([
        ("res_model", "=", "sales.meeting.action"),
        ("res_id", "in", meeting.action_ids.ids)]).mapped("note")]
    hostile = [text for text in bodies + notes if "img" in text]
    assert len(hostile) >= 3, bodies + notes
    for text in hostile:
        assert "<img" not in text and "&lt;img" in text, text
