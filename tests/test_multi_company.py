"""Several companies in one database: each document of the addon is seen in its
company only, whatever the role, as Odoo's own sale orders are; a user working
in two companies sees each company's documents there; and the figures use the
settings of the record's company, not those of the user who computes them."""

import pytest
from edition import (
    CUSTOMER,
    as_user,
    flush,
    has_right,
    in_company,
    invalidate,
    join_team,
    new_company,
)
from freezegun import freeze_time
from targets_scenario import Scenario, make_user, refused

from odoo.exceptions import UserError

DAY = "2026-03-10"
SALESPERSON = "sales_process_mgmt.group_salesperson"
SUPERVISOR = "sales_process_mgmt.group_supervisor"
DIRECTOR = "sales_process_mgmt.group_director"


def move_to(user, company):
    user.write({"company_ids": [(6, 0, company.ids)], "company_id": company.id})


@pytest.fixture
def two(env):
    """The scenario's company (A, Shanghai) and a Shenzhen branch (B) with its
    own team: supervisor Sam and salesperson Dan."""
    s = Scenario(env)
    s.branch = new_company(env, "Shenzhen Branch")
    s.sam = make_user(env, "t_sam", None, SUPERVISOR)
    s.dan = make_user(env, "t_dan", None, SALESPERSON)
    move_to(s.sam, s.branch)
    move_to(s.dan, s.branch)
    s.shenzhen = env["crm.team"].create({"name": "Shenzhen", "user_id": s.sam.id,
                                         "company_id": s.branch.id})
    join_team(s.sam, s.shenzhen)
    join_team(s.dan, s.shenzhen)
    s.both = make_user(env, "t_both", None, DIRECTOR)
    return s


def documents_of(s, user, team):
    """One of each document of the addon, written by ``user`` of ``team``."""
    env = s.env
    shop = env["res.partner"].create(dict(CUSTOMER, name="Shop of %s" % user.login,
                                          is_company=True))
    plan = as_user(env["sales.visit.plan"], user).create({"date": DAY, "visit_ids": [
        (0, 0, {"partner_id": shop.id, "purpose": "order",
                "planned_start": "%s 02:00:00" % DAY, "planned_stop": "%s 03:00:00" % DAY,
                "expense_ids": [(0, 0, {"category": "meals", "amount": 10.0})]})]}).sudo()
    market = as_user(env["sales.market.report"], user).create({
        "title": "Price cut", "description": "A competitor cut its prices."}).sudo()
    meeting = env["sales.meeting"].create({
        "name": "Weekly", "team_id": team.id, "chair_id": team.user_id.id,
        "company_id": user.company_id.id,
        "start": "%s 01:00:00" % DAY, "stop": "%s 02:00:00" % DAY,
        "attendee_ids": [(0, 0, {"user_id": user.id})],
        "action_ids": [(0, 0, {"name": "Call back", "user_id": user.id})]})
    coaching = env["sales.coaching"].create({"user_id": user.id, "coach_id": team.user_id.id,
                                             "company_id": user.company_id.id})
    target = env["sales.target"].create({"name": "Plan of %s" % team.name,
                                         "company_id": user.company_id.id,
                                         "date_from": "2026-01-01", "date_to": "2026-12-31"})
    line = env["sales.target.line"].create({
        "target_id": target.id, "metric": "sales", "date_from": "2026-03-01",
        "date_to": "2026-03-31", "target_amount": 1000.0, "team_id": team.id,
        "user_id": user.id})
    # After the target: the report lists the day's targets of its salesperson.
    report = as_user(env["sales.daily.report"], user).create({"date": DAY}).sudo()
    return [plan, plan.visit_ids, plan.visit_ids.expense_ids, report, report.target_ids,
            market, meeting, meeting.attendee_ids, meeting.action_ids, coaching, target, line]


def visible(records, viewer):
    """Which of ``records`` (one recordset per document) ``viewer`` (a model
    as a user) can find."""
    found = []
    for record in records:
        model = viewer.env[record._name]
        found.append(has_right(model, "read") and bool(model.search([("id", "in", record.ids)])))
    return found


def test_each_company_sees_its_own_documents(env, two):
    s = two
    ours = documents_of(s, s.alice, s.north)
    theirs = documents_of(s, s.dan, s.shenzhen)
    for docs in (ours, theirs):
        assert all(docs), [doc._name for doc in docs if not doc]
    assert {doc.company_id for doc in theirs if "company_id" in doc} == {s.branch}
    env["sales.weekly.report"].generate_week(DAY)
    weekly = env["sales.weekly.report"].search([("week_start", "=", "2026-03-09")])
    ours.append(weekly.filtered(lambda report: report.team_id == s.north))
    theirs.append(weekly.filtered(lambda report: report.team_id == s.shenzhen))
    assert theirs[-1].company_id == s.branch and ours[-1]
    flush(env)
    # The SQL views: the target lines' figures and achievement rows.
    ours.append(env["sales.target.analysis"].search([("line_id", "=", ours[-2].id)]))
    theirs.append(env["sales.target.analysis"].search([("line_id", "=", theirs[-2].id)]))
    assert ours[-1] and theirs[-1]

    names = [doc._name for doc in ours]
    # The director and the executive of the first company: theirs only.
    for viewer in (s.director, s.executive, s.sup_north):
        model = as_user(env["sales.visit.plan"], viewer)
        assert not any(visible(theirs, model)), (viewer.login, names)
    assert all(visible(ours, as_user(env["sales.visit.plan"], s.director))), names
    # The branch's supervisor and salesperson never see the first company's.
    for viewer in (s.sam, s.dan):
        assert not any(visible(ours, as_user(env["sales.visit.plan"], viewer))), viewer.login
    assert visible(theirs[:4], as_user(env["sales.visit.plan"], s.sam)) == [True] * 4
    # A director of both companies sees each company's documents there.
    in_branch = in_company(env["sales.visit.plan"], s.both, s.branch)
    assert all(visible(theirs, in_branch)), names
    assert not any(visible(ours, in_branch)), names
    at_home = in_company(env["sales.visit.plan"], s.both, s.company)
    assert all(visible(ours, at_home)), names
    assert not any(visible(theirs, at_home)), names


def test_a_document_cannot_be_written_into_another_company(env, two):
    """The branch's salesperson writing a plan or a market report into the
    first company, or moving one there: refused with a clear message."""
    s = two
    with refused(env, UserError, "You do not work for"):
        as_user(env["sales.visit.plan"], s.dan).create({"date": DAY,
                                                        "company_id": s.company.id})
    with refused(env, UserError, "You do not work for"):
        as_user(env["sales.market.report"], s.dan).create({
            "title": "t", "description": "d", "company_id": s.company.id})
    report = as_user(env["sales.daily.report"], s.dan).create({"date": DAY})
    with refused(env, UserError, "You do not work for"):
        report.write({"company_id": s.company.id})
    with refused(env, UserError, "You do not work for"):
        report.write({"company_id": 999999})
    assert report.company_id == s.branch


def test_coaching_uses_the_meetings_company_thresholds(env, two):
    """Dan joined today.  The first company counts a salesperson new for 3
    months, the branch for none: the branch's meeting proposes nobody, even
    when asked by the administrator, who works in the first company."""
    s = two
    s.company.sales_coach_new_months = 3
    s.branch.sales_coach_new_months = 0
    meeting = env["sales.meeting"].create({
        "name": "Branch weekly", "team_id": s.shenzhen.id, "chair_id": s.sam.id,
        "company_id": s.branch.id, "start": "%s 01:00:00" % DAY, "stop": "%s 02:00:00" % DAY})
    flush(env)
    env.cr.execute("UPDATE res_users SET create_date = %s WHERE id = %s", ("2026-03-01", s.dan.id))
    invalidate(env["res.users"], ["create_date"])
    with freeze_time("%s 02:00:00" % DAY):
        with refused(env, UserError, "Nobody in Shenzhen"):
            meeting.action_propose_coaching()
        s.branch.sales_coach_new_months = 3
        meeting.action_propose_coaching()
    assert meeting.coaching_ids.mapped("user_id") == s.dan
    assert meeting.coaching_ids.company_id == s.branch


def test_weekly_abnormal_customers_use_the_teams_company_weeks(env, two):
    """A customer of the branch last ordered 6 weeks before the week's end.
    The branch counts a customer silent after 8 weeks, the first company after
    4: not abnormal in the branch's weekly report, whoever makes it."""
    s = two
    s.company.sales_abnormal_weeks = 4
    s.branch.sales_abnormal_weeks = 8
    customer = env["res.partner"].create(dict(CUSTOMER, name="Quiet Shop", is_company=True))
    order = env["sale.order"].create({
        "partner_id": customer.id, "user_id": s.dan.id, "team_id": s.shenzhen.id,
        "company_id": s.branch.id, "date_order": "2026-02-03 02:00:00",
        "order_line": [(0, 0, {"product_id": s.bread.id, "product_uom_qty": 1,
                               "price_unit": 50.0, "tax_id": [(6, 0, [])]})]})
    order.action_confirm()
    order.date_order = "2026-02-03 02:00:00"
    flush(env)

    def abnormal():
        report = env["sales.weekly.report"].search([("team_id", "=", s.shenzhen.id),
                                                    ("week_start", "=", "2026-03-09")])
        return report.abnormal_count, report.abnormal_html or ""

    env["sales.weekly.report"].generate_week(DAY)
    count, html = abnormal()
    assert "Quiet Shop" not in html and count == 0
    s.branch.sales_abnormal_weeks = 4
    env["sales.weekly.report"].generate_week(DAY)
    count, html = abnormal()
    assert "Quiet Shop" in html and count == 1
