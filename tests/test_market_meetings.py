"""Market situation and complaint reports with escalation (R7), sales meetings
with action items and coaching (R10), the supervisor's interviews (R6)."""

import pytest
from edition import as_text, as_user, flush, invalidate, load_language
from freezegun import freeze_time
from targets_scenario import Scenario, make_user, refused

from odoo.exceptions import AccessError, UserError, ValidationError

DAY = "2026-03-10"


@pytest.fixture
def s(env):
    scenario = Scenario(env)
    scenario.company.sales_director_id = scenario.director
    scenario.competitor = env["res.partner"].create({"name": "Brand B", "is_competitor": True,
                                                     "is_company": True})
    return scenario


def file_report(s, user, **values):
    values.setdefault("title", "Brand B: 10% off green tea")
    values.setdefault("description", "Seen in three supermarkets of Pudong.")
    return as_user(s.env["sales.market.report"], user).create(values).sudo()


def activities_of(report, user):
    return report.activity_ids.filtered(lambda a: a.user_id == user)


def told(report, user):
    return report.message_ids.filtered(lambda m: user.partner_id in m.partner_ids)


# ------------------------------------------------------------------ escalation


def test_normal_report_goes_to_the_supervisor_at_once(s):
    report = file_report(s, s.alice, kind="competitor_promotion", competitor_id=s.competitor.id)
    assert report.name.startswith("MR/") and report.team_id == s.north
    assert report.escalation_level == "1"
    assert len(activities_of(report, s.sup_north)) == 1 and len(told(report, s.sup_north)) == 1
    assert not activities_of(report, s.director) and not told(report, s.director)


def test_critical_report_reaches_supervisor_and_director_at_once(s):
    report = file_report(s, s.alice, severity="critical", kind="competitor_product")
    assert report.escalation_level == "2"
    for user in (s.sup_north, s.director):
        assert len(activities_of(report, user)) == 1, user.login
        assert len(told(report, user)) == 1, user.login
    # Raising a normal report to serious escalates it at once, too.
    normal = file_report(s, s.bob)
    as_user(normal, s.bob).severity = "serious"
    assert normal.escalation_level == "2" and len(activities_of(normal, s.director)) == 1
    assert len(activities_of(normal, s.sup_north)) == 1, "the supervisor is told once"


def test_each_reader_is_told_in_their_language(s):
    """A critical report reaches the supervisor (English) and the director
    (Chinese): each message and activity is in its reader's language, the
    severity too."""
    load_language(s.env, "zh_CN", ["sales_process_mgmt"])
    s.director.lang = "zh_CN"
    report = file_report(s, s.alice, severity="critical", kind="competitor_product")
    to_director, to_supervisor = told(report, s.director), told(report, s.sup_north)
    assert to_director != to_supervisor
    # Level 1 tells the supervisor, level 2 the director.
    chinese = report.with_context(lang="zh_CN")._text_escalated(s.director)
    english = report.with_context(lang="en_US")._text_escalated(s.sup_north)
    assert chinese != english and "危急" in chinese
    assert to_director.body == "<p>%s</p>" % chinese
    assert to_supervisor.body == "<p>%s</p>" % english
    assert activities_of(report, s.director).summary.startswith(
        report.with_context(lang="zh_CN")._severity_label())
    assert activities_of(report, s.sup_north).summary.startswith("Critical")


def test_unacknowledged_report_climbs_one_level_after_the_delay_once(s):
    """Delay 4 hours (the default).  Filed at 01:00 UTC: at 04:59 nothing
    climbs, at 05:00 the director is told; later runs tell nobody again."""
    with freeze_time("%s 01:00:00" % DAY):
        report = file_report(s, s.alice)
    acknowledged = None
    with freeze_time("%s 01:00:00" % DAY):
        acknowledged = file_report(s, s.bob, title="Shop Y's buyer leaves")
        as_user(acknowledged, s.sup_north).action_acknowledge()
    model = s.env["sales.market.report"]
    with freeze_time("%s 04:59:00" % DAY):
        assert not model._cron_escalate()
    with freeze_time("%s 05:00:00" % DAY):
        assert model._cron_escalate() == report
    assert report.escalation_level == "2"
    assert len(activities_of(report, s.director)) == 1 and len(told(report, s.director)) == 1
    with freeze_time("%s 12:00:00" % DAY):
        assert not model._cron_escalate()
    assert len(told(report, s.director)) == 1
    assert acknowledged.escalation_level == "1", "an acknowledged report stays"


def test_directors_group_when_no_sales_director_is_set(s):
    s.company.sales_director_id = False
    other = make_user(s.env, "t_director2", None, "sales_process_mgmt.group_director")
    report = file_report(s, s.alice, severity="serious")
    assert (s.director | other) <= report.activity_ids.mapped("user_id")
    assert s.env.ref("base.user_root") not in report.activity_ids.mapped("user_id")


# --------------------------------------------------------------------- states


def test_states_from_new_to_resolved(s):
    report = file_report(s, s.alice, kind="customer_complaint", partner_id=s.shop_x.id)
    assert report.is_complaint
    as_sup = as_user(report, s.sup_north)
    as_sup.action_acknowledge()
    assert report.state == "acknowledged" and report.acknowledged_by_id == s.sup_north
    assert not report.activity_ids, "the escalation activities are done"
    with refused(s.env, UserError, "already been acknowledged"):
        as_sup.action_acknowledge()
    as_user(report, s.alice).action_start()
    assert report.state == "in_progress"
    with refused(s.env, UserError, "Write the resolution"):
        as_user(report, s.alice).action_resolve()
    as_user(report, s.alice).write({"resolution": "Cartons replaced; a credit note of 50."})
    as_user(report, s.alice).action_resolve()
    assert report.state == "resolved" and report.resolved_at
    with refused(s.env, UserError, "resolved report cannot be cancelled"):
        as_user(report, s.alice).action_cancel()
    as_sup.action_reopen()
    assert report.state == "in_progress" and report.resolution
    as_user(report, s.alice).action_cancel()
    assert report.state == "cancelled"


def test_market_report_refusals(s):
    report = file_report(s, s.alice)
    with refused(s.env, AccessError):
        # The supervisor of another team cannot acknowledge (nor even read) it.
        as_user(report, s.sup_south).action_acknowledge()
    with refused(s.env, UserError, "changes with its buttons"):
        as_user(report, s.alice).state = "resolved"
    with refused(s.env, AccessError, "only its supervisor"):
        # Bob sees his team's report but handles only his own.
        as_user(report, s.bob).action_acknowledge()
    assert report.state == "new"


# ----------------------------------------------------------- daily report link


def test_file_a_market_report_from_the_daily_report(s):
    daily = as_user(s.env["sales.daily.report"], s.alice).create({
        "date": DAY,
        "market_line_ids": [(0, 0, {
            "kind": "competitor_product", "competitor_id": s.competitor.id,
            "partner_id": s.shop_x.id,
            "description": "Brand B launches a jasmine tea at 28.\nShop X listed it."})],
    }).sudo()
    line = daily.market_line_ids
    action = as_user(line, s.alice).action_file_report()
    report = s.env["sales.market.report"].browse(action["res_id"])
    assert (report.title, report.kind, report.competitor_id, report.partner_id,
            report.daily_report_id, as_text(report.date), report.reporter_id) == (
        "Brand B launches a jasmine tea at 28.", "competitor_product", s.competitor,
        s.shop_x, daily, DAY, s.alice)
    assert line.market_report_id == report
    with refused(s.env, UserError, "already been filed"):
        as_user(line, s.alice).action_file_report()

    complaint = file_report(s, s.alice, kind="customer_complaint", date="2026-03-02",
                            resolution="Replaced.")
    as_user(complaint, s.alice).action_start()
    with freeze_time("%s 06:00:00" % DAY):  # 14:00 in Shanghai
        as_user(complaint, s.alice).action_resolve()
    invalidate(daily)
    assert daily.market_report_ids == report
    assert daily.complaint_report_ids == complaint

    with freeze_time("%s 12:00:00" % DAY):
        as_user(daily, s.alice).action_submit()
    with refused(s.env, UserError, "file a market report instead"):
        as_user(line, s.alice).description = "Changed"


# -------------------------------------------------------------------- meetings


@pytest.fixture
def north_meeting(s):
    return as_user(s.env["sales.meeting"], s.sup_north).create({
        "name": "Tuesday morning meeting", "kind": "morning", "team_id": s.north.id,
        "start": "%s 00:30:00" % DAY, "stop": "%s 01:00:00" % DAY,
        "attendee_ids": [(0, 0, {"user_id": s.alice.id, "presence": "present"}),
                         (0, 0, {"user_id": s.bob.id, "presence": "remote",
                                 "remote_report": "In Suzhou: two orders signed."})],
    }).sudo()


def test_meeting_action_items_become_activities(s, north_meeting):
    as_user(north_meeting, s.sup_north).write({"action_ids": [(0, 0, {
        "name": "Call Shop Y about the overdue invoice", "user_id": s.alice.id,
        "date_deadline": "2026-03-12"})]})
    item = north_meeting.action_ids
    activity = activities_of(north_meeting, s.alice)
    assert item.activity_id == activity and as_text(activity.date_deadline) == "2026-03-12"
    assert not item.done
    as_user(item, s.sup_north).date_deadline = "2026-03-13"
    assert as_text(activity.date_deadline) == "2026-03-13"
    as_user(activity, s.alice).action_done()
    invalidate(item)
    assert item.done
    assert north_meeting.attendee_ids[1].remote_report == "In Suzhou: two orders signed."


def test_meeting_refusals(s, north_meeting):
    with refused(s.env, ValidationError, "cannot end before it starts"):
        as_user(north_meeting, s.sup_north).stop = "%s 00:00:00" % DAY
    with refused(s.env, AccessError):
        # Alice attends: she reads the meeting but does not edit its minutes.
        as_user(north_meeting, s.alice).minutes = "Alice's version"
    assert as_user(north_meeting, s.alice).name == "Tuesday morning meeting"
    with refused(s.env, AccessError):
        as_user(north_meeting, s.carol).read(["name"])


def test_coaching_proposal_worked_example(s, north_meeting):
    """Tuesday 10 March, 7 of 22 working days elapsed: 31.82 % of a monthly
    target expected.  Threshold 80 % of that pace, 50 % effective visits,
    3 months for new salespeople.

    * Alice: target 2200, sales 300: 13.64 %, a pace of 42.9 %: below.
    * Bob: target 2200, sales 700: 31.82 %, on pace; 4 visits done in the last
      30 days, 1 effective: 25 % effective: below.
    * Dave: joined on 1 February (less than 3 months): new.
    * Erin: joined long ago, on pace, no visit: nobody to coach.
    * The team leader is not proposed."""
    flush(s.env)
    s.env.cr.execute("UPDATE res_users SET create_date = '2025-01-01' WHERE id IN %s",
                     (tuple((s.alice | s.bob).ids),))
    dave = make_user(s.env, "t_dave", s.north, "sales_process_mgmt.group_salesperson")
    erin = make_user(s.env, "t_erin", s.north, "sales_process_mgmt.group_salesperson")
    s.env.cr.execute("UPDATE res_users SET create_date = '2026-02-01' WHERE id = %s",
                     (dave.id,))
    s.env.cr.execute("UPDATE res_users SET create_date = '2025-06-01' WHERE id = %s",
                     (erin.id,))
    invalidate(s.env["res.users"], ["create_date"])
    for user, amount in ((s.alice, 300.0), (s.bob, 700.0), (erin, 700.0)):
        s.line("sales", "2026-03-01", "2026-03-31", 2200.0, team_id=s.north, user_id=user)
        s.order(user, s.shop_x, "2026-03-03 02:00:00", [(s.bread, 1, amount)])
    plans = as_user(s.env["sales.visit.plan"], s.bob)
    bob_plan = plans.create({"date": "2026-03-09", "visit_ids": [
        (0, 0, {"partner_id": s.shop_y.id, "purpose": "order",
                "planned_start": "2026-03-09 0%d:00:00" % hour,
                "planned_stop": "2026-03-09 0%d:30:00" % hour}) for hour in (1, 2, 3, 4)]})
    bob_plan.visit_ids.write({"state": "done"})
    bob_plan.visit_ids[0].lead_progress = True

    with freeze_time("%s 02:00:00" % DAY):
        as_user(north_meeting, s.sup_north).action_propose_coaching()
    proposals = {c.user_id.login: (c.reason, c.reason_detail) for c in north_meeting.coaching_ids}
    assert proposals == {
        "t_alice": ("low_achievement", "14% of the monthly target achieved, 32% expected"),
        "t_bob": ("low_efficiency", "25% of 4 visits effective in 30 days"),
        "t_dave": ("new_salesperson", "Joined on 2026-02-01"),
    }
    assert set(north_meeting.coaching_ids.mapped("coach_id")) == {s.sup_north}
    with freeze_time("%s 02:00:00" % DAY):
        with refused(s.env, UserError, "Nobody in North"):
            as_user(north_meeting, s.sup_north).action_propose_coaching()


def test_coaching_follow_up_and_history(s, north_meeting):
    with freeze_time("%s 02:00:00" % DAY):
        coaching = as_user(s.env["sales.coaching"], s.sup_north).create({
            "user_id": s.alice.id, "meeting_id": north_meeting.id, "on_efficiency": True,
            "observation": "Visits cluster in the afternoon.",
            "guidance": "Plan the collections in the morning.",
            "follow_up_date": "2026-03-17"}).sudo()
        with refused(s.env, ValidationError, "in the past"):
            as_user(coaching, s.sup_north).follow_up_date = "2026-03-09"
        with refused(s.env, ValidationError, "in the past"):
            as_user(s.env["sales.coaching"], s.sup_north).create({
                "user_id": s.bob.id, "follow_up_date": "2026-03-01"})
    follow_up = activities_of(coaching, s.sup_north)
    assert as_text(follow_up.date_deadline) == "2026-03-17"
    assert coaching.team_id == s.north
    with refused(s.env, ValidationError, "outcome"):
        as_user(coaching, s.sup_north).action_done()
    as_user(coaching, s.sup_north).write({"outcome": "Collections done by 11:00 all week."})
    as_user(coaching, s.sup_north).action_done()
    assert coaching.state == "done" and not coaching.activity_ids
    interview = as_user(s.env["sales.coaching"], s.sup_north).create({
        "user_id": s.alice.id, "kind": "group_interview",
        "participant_ids": [(6, 0, [s.bob.id])],
        "observation": "What customers say of Brand B's discount."}).sudo()
    assert s.alice.sales_coaching_ids == coaching | interview


# ---------------------------------------------------------------------- access


def test_each_role_sees_what_it_may(s, north_meeting):
    alice_report = file_report(s, s.alice)
    carol_report = file_report(s, s.carol, title="South: a shop closes")
    coaching_alice = s.env["sales.coaching"].create({"user_id": s.alice.id,
                                                     "coach_id": s.sup_north.id})
    coaching_bob = s.env["sales.coaching"].create({"user_id": s.bob.id,
                                                   "coach_id": s.sup_north.id})
    south_meeting = s.env["sales.meeting"].create({
        "name": "South evening meeting", "kind": "evening", "team_id": s.south.id,
        "chair_id": s.sup_south.id, "start": "%s 10:00:00" % DAY,
        "stop": "%s 10:30:00" % DAY})
    reports = alice_report | carol_report

    def visible(model, user, records):
        return as_user(s.env[model], user).search([("id", "in", records.ids)])

    # Salespeople: their team's market reports, their own coaching, meetings attended.
    assert visible("sales.market.report", s.bob, reports) == alice_report
    assert visible("sales.market.report", s.carol, reports) == carol_report
    assert visible("sales.coaching", s.alice, coaching_alice | coaching_bob) == coaching_alice
    assert visible("sales.meeting", s.alice, north_meeting | south_meeting) == north_meeting
    assert visible("sales.meeting", s.carol, north_meeting | south_meeting).ids == []
    # Supervisors: their teams.
    assert visible("sales.market.report", s.sup_south, reports) == carol_report
    assert visible("sales.coaching", s.sup_south, coaching_alice | coaching_bob).ids == []
    assert visible("sales.meeting", s.sup_south, north_meeting | south_meeting) == south_meeting
    # Directors all; executives read market reports and meetings, not coaching.
    assert visible("sales.market.report", s.director, reports) == reports
    assert visible("sales.coaching", s.director, coaching_alice | coaching_bob) == \
        coaching_alice | coaching_bob
    assert visible("sales.market.report", s.executive, reports) == reports
    with refused(s.env, AccessError):
        as_user(s.env["sales.coaching"], s.executive).search([])
    with refused(s.env, AccessError):
        as_user(s.env["sales.market.report"], s.executive).create({
            "title": "x", "description": "y"})
    with refused(s.env, AccessError):
        as_user(coaching_alice, s.alice).write({"outcome": "I did fine"})
    with refused(s.env, AccessError):
        as_user(alice_report, s.bob).write({"description": "Bob edits Alice's report"})
