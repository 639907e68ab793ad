"""Every rule on a record holds whatever fields a create or a write sends:
from the web client, an import or an integration over RPC.  A rule checked
only when its own fields are written lets an incomplete record in; text that
is required and only blank is refused with a clear message; two documents of
one salesperson and day are refused by the database too, not only by a check
that two workers could both pass."""

import psycopg2
import pytest
from edition import as_text, as_user, flush, invalidate
from targets_scenario import Scenario, refused

from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

DAY = "2026-03-10"


@pytest.fixture
def s(env):
    return Scenario(env)


def _plan(s, user=None, date=DAY):
    return as_user(s.env["sales.visit.plan"], user or s.alice).create({"date": date}).sudo()


def _visit(plan, **values):
    return dict({"plan_id": plan.id, "purpose": "order",
                 "planned_start": "%s 02:00:00" % plan.date,
                 "planned_stop": "%s 03:00:00" % plan.date}, **values)


def test_a_visit_for_nobody_is_refused_even_when_the_fields_are_left_out(s):
    plan = _plan(s)
    with refused(s.env, ValidationError, "Say whom the visit is for"):
        as_user(s.env["sales.visit"], s.alice).create(_visit(plan))
    with refused(s.env, ValidationError, "Say whom the visit is for"):
        as_user(plan, s.alice).write({"visit_ids": [(0, 0, _visit(plan))]})
    assert not plan.visit_ids


def test_moving_a_plan_to_another_day_keeps_its_visits_on_its_day(s):
    plan = _plan(s)
    as_user(s.env["sales.visit"], s.alice).create(_visit(plan, partner_id=s.shop_x.id))
    with refused(s.env, ValidationError, "planned on another day than its plan"):
        as_user(plan, s.alice).date = "2026-03-11"
    assert as_text(plan.date) == DAY


def test_a_plan_for_another_salesperson_is_refused_on_write_too(s):
    plan = _plan(s)
    with refused(s.env, AccessError, "You can only write your own visit plan"):
        as_user(plan, s.alice).user_id = s.bob
    assert plan.user_id == s.alice
    report = as_user(s.env["sales.daily.report"], s.alice).create({"date": DAY}).sudo()
    with refused(s.env, AccessError, "You can only write your own daily report"):
        as_user(report, s.alice).write({"user_id": s.bob.id})
    # A director may move a draft document to another salesperson.
    as_user(plan, s.director).user_id = s.bob
    assert plan.user_id == s.bob


def test_one_plan_and_report_per_salesperson_and_day_in_the_database(s):
    """The check before writing gives the clear message; the unique constraint
    refuses what two requests at the same moment could both let through."""
    _plan(s)
    with refused(s.env, ValidationError, "already has a visit plan for 2026-03-10"):
        _plan(s)
    as_user(s.env["sales.daily.report"], s.alice).create({"date": DAY})
    copies = [
        "INSERT INTO sales_visit_plan (user_id, date, company_id, state) "
        "SELECT user_id, date, company_id, 'draft' FROM sales_visit_plan WHERE user_id = %s",
        "INSERT INTO sales_daily_report (user_id, date, company_id, state, attendance) "
        "SELECT user_id, date, company_id, 'draft', 'present' FROM sales_daily_report "
        "WHERE user_id = %s",
    ]
    for copy in copies:
        with pytest.raises(psycopg2.IntegrityError, match="user_date_unique"):
            with s.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                s.env.cr.execute(copy, (s.alice.id,))


def test_a_plan_cannot_shrink_around_its_targets(s):
    s.line("sales", "2026-12-01", "2026-12-31")
    with refused(s.env, ValidationError, "lies outside the plan"):
        s.plan.date_to = "2026-11-30"


def test_a_plan_made_strict_checks_its_decomposition(s):
    s.plan.strict = False
    year = s.line("sales", "2026-01-01", "2026-12-31", target=100.0)
    s.line("sales", "2026-01-01", "2026-12-31", target=80.0, team_id=s.north,
           parent_id=year)
    s.line("sales", "2026-01-01", "2026-12-31", target=80.0, team_id=s.south,
           parent_id=year)
    with refused(s.env, ValidationError, "add up to 160.00, more than its 100.00"):
        s.plan.strict = True


def test_a_distributor_serving_customers_stays_one(s):
    with refused(s.env, ValidationError, "serves Shop X"):
        s.distributor.is_distributor = False
    assert s.distributor.is_distributor


@pytest.mark.parametrize("model, values, label", [
    ("sales.market.report", {"title": "   ", "description": "Price cut"}, "Title"),
    ("sales.market.report", {"title": "Price cut", "description": " \n "}, "Description"),
    ("sales.meeting", {"name": "  ", "start": "2026-03-10 01:00:00",
                       "stop": "2026-03-10 02:00:00"}, "Subject"),
    ("sales.target", {"name": " ", "date_from": "2026-01-01", "date_to": "2026-12-31"},
     "Name"),
])
def test_blank_required_text_is_refused(s, model, values, label):
    with refused(s.env, ValidationError, "Fill in '%s': spaces alone" % label):
        as_user(s.env[model], s.director).create(values)


def test_blank_text_on_lines_and_wizards_is_refused(s):
    report = as_user(s.env["sales.daily.report"], s.alice).create({"date": DAY}).sudo()
    with refused(s.env, ValidationError, "Fill in 'Description'"):
        as_user(report, s.alice).write({"market_line_ids": [(0, 0, {"description": "   "})]})
    meeting = as_user(s.env["sales.meeting"], s.sup_north).create({
        "name": "Morning", "team_id": s.north.id, "start": "2026-03-10 01:00:00",
        "stop": "2026-03-10 02:00:00"})
    with refused(s.env, ValidationError, "Fill in 'Action'"):
        meeting.write({"action_ids": [(0, 0, {"name": " ", "user_id": s.alice.id})]})
    with refused(s.env, ValidationError, "Fill in 'Reason'"):
        as_user(s.env["sales.return.wizard"], s.sup_north).create({"reason": "  "})


def test_filing_a_report_from_a_blank_line_says_what_is_missing(s):
    """A line stored blank before the rule existed (written here in SQL) gives
    a clear message, not an IndexError."""
    report = as_user(s.env["sales.daily.report"], s.alice).create({"date": DAY}).sudo()
    as_user(report, s.alice).write({"market_line_ids": [(0, 0, {"description": "x"})]})
    line = report.market_line_ids
    flush(s.env)
    s.env.cr.execute("UPDATE sales_daily_report_market SET description = '  ' WHERE id = %s",
                     (line.id,))
    invalidate(line)
    with refused(s.env, ValidationError, "Fill in 'Description'"):
        as_user(line, s.alice).action_file_report()
    assert not s.env["sales.market.report"].search([("daily_report_id", "=", report.id)])


def test_a_long_first_line_gives_a_title_cut_at_a_word(s):
    report = as_user(s.env["sales.daily.report"], s.alice).create({"date": DAY}).sudo()
    text = ("\n  \nThe competitor Golden Leaf cut the price of its jasmine tea gift boxes "
            "by fifteen percent in every supermarket of the district\nSecond line")
    as_user(report, s.alice).write({"market_line_ids": [(0, 0, {"description": text})]})
    as_user(report.market_line_ids, s.alice).action_file_report()
    title = report.market_line_ids.market_report_id.title
    assert title == ("The competitor Golden Leaf cut the price of its jasmine tea gift boxes "
                     "by…")
    assert len(title) <= 80
