"""What each role sees first: the Sales Process app opens the board of the
user's role, and each block of a board shows the user's own day, week or
month (the board of Odoo evaluates a block's domain without the user: the
addon evaluates it on the server, models/board_board.py)."""

import ast

import pytest
from edition import CUSTOMER, VERSION, as_user, board_arch, set_due_date
from freezegun import freeze_time
from lxml import etree
from targets_scenario import Scenario

DAY = "2026-03-10"  # a Tuesday


@pytest.fixture
def s(env):
    return Scenario(env)


def blocks(s, user, board_xmlid):
    """{block title: (model, domain)} of a board as ``user`` opens it."""
    view = s.env.ref("sales_process_mgmt.%s_view_form" % board_xmlid)
    arch = etree.fromstring(board_arch(as_user(s.env["board.board"], user), view))
    result = {}
    for node in arch.iter("action"):
        action = s.env["ir.actions.act_window"].browse(int(node.get("name")))
        result[node.get("string")] = (action.res_model, ast.literal_eval(node.get("domain")))
    return result


def plan(s, user, date):
    return as_user(s.env["sales.visit.plan"], user).create({"date": date, "visit_ids": [
        (0, 0, {"partner_id": s.shop_x.id, "purpose": "order", "start_time": 9.0})]})


@pytest.mark.parametrize("role, board", [
    ("alice", "dashboard_my_day_action"),
    ("sup_north", "dashboard_team_week_action"),
    ("director", "dashboard_director_month_action"),
    ("executive", "dashboard_results_action"),
])
def test_the_app_opens_the_board_of_the_users_role(s, role, board):
    action = as_user(s.env["res.users"], getattr(s, role))._sales_home_action()
    assert action["id"] == s.env.ref("sales_process_mgmt.%s" % board).id
    # The app's menu runs it.
    root = s.env.ref("sales_process_mgmt.menu_root")
    assert root.action == s.env.ref("sales_process_mgmt.sales_home_action")


def test_my_day_shows_my_day(s):
    """Alice's board lists her plan and visits of today, not Bob's, not
    yesterday's; her targets of this month, not of last month."""
    with freeze_time("%s 02:00:00" % DAY):
        mine = plan(s, s.alice, DAY) | plan(s, s.alice, "2026-03-09") | plan(s, s.bob, DAY)
        s.line("sales", "2026-03-01", "2026-03-31", 1000.0, team_id=s.north, user_id=s.alice)
        s.line("sales", "2026-02-01", "2026-02-28", 1000.0, team_id=s.north, user_id=s.alice)
        s.line("sales", "2026-03-01", "2026-03-31", 1000.0, team_id=s.north, user_id=s.bob)
        board = blocks(s, s.alice, "dashboard_my_day")
    model, domain = board["Today's Visit Plan"]
    assert s.env[model].search(domain) == mine[0]
    model, domain = board["Today's Visits"]
    assert s.env[model].search(domain) == mine[0].visit_ids
    model, domain = board["My Targets this Month"]
    found = s.env[model].search(domain)
    assert len(found) == 1 and found.user_id == s.alice
    assert str(found.date_from)[:7] == "2026-03"


def test_the_team_board_shows_what_waits_for_the_supervisor(s):
    with freeze_time("%s 02:00:00" % DAY):
        alice, carol = plan(s, s.alice, DAY), plan(s, s.carol, DAY)
        alice.action_submit()
        carol.action_submit()
        board = blocks(s, s.sup_north, "dashboard_team_week")
    model, domain = board["Plans to Approve"]
    assert s.env[model].search(domain) == alice.sudo(), "Carol's plan waits for South's leader"


def test_a_rearranged_board_still_shows_today(s):
    """A board the user rearranges is saved as a custom view with its blocks'
    attributes: the selection is evaluated again on the next day."""
    view = s.env.ref("sales_process_mgmt.dashboard_my_day_view_form")
    with freeze_time("%s 02:00:00" % DAY):
        saved = board_arch(as_user(s.env["board.board"], s.alice), view)
    s.env["ir.ui.view.custom"].create({"user_id": s.alice.id, "ref_id": view.id, "arch": saved})
    with freeze_time("2026-03-11 02:00:00"):
        board = blocks(s, s.alice, "dashboard_my_day")
    assert ("date", "=", "2026-03-11") in board["Today's Visit Plan"][1]


def suggestions(s, user, board):
    """The rows of the block *Suggested Visits Today* as ``user``'s web client
    reads them (the block's context asks for today's suggestions first)."""
    model, domain = board["Suggested Visits Today"]
    rows = as_user(s.env[model], user).with_context(sales_refresh_suggestions=True)
    if VERSION < 13:
        return rows.browse([row["id"] for row in rows.search_read(domain, ["name"])])
    result = rows.web_search_read(domain, {"name": {}})
    return rows.browse([row["id"] for row in result["records"]])


def overdue_shop(s, name, user):
    return s.env["res.partner"].create(dict(CUSTOMER, name=name, is_company=True,
                                            user_id=user.id, sales_customer_class="a"))


def test_my_day_suggests_todays_visits_and_adds_one_in_a_click(s):
    """Alice's board suggests her customers of today (an overdue invoice, a
    customer never visited), never Bob's; Add to Today's Plan creates her plan
    of today with the visit, and the customer is no longer suggested."""
    s.alice.tz = "Asia/Shanghai"
    debtor = overdue_shop(s, "Debtor Shop", s.alice)
    overdue_shop(s, "Never Visited", s.alice)
    overdue_shop(s, "Bob's Shop", s.bob)
    order = s.order(s.alice, debtor, "2026-02-10 02:00:00", [(s.bread, 1, 300.0)])
    set_due_date(s.invoice(order), "2026-03-01")
    with freeze_time("%s 02:00:00" % DAY):
        board = blocks(s, s.alice, "dashboard_my_day")
        rows = suggestions(s, s.alice, board)
        assert {row.name: (row.purpose, row.amount_due) for row in rows} == {
            "Debtor Shop": ("collection", 300.0), "Never Visited": ("service", 0.0)}
        assert rows.filtered(lambda row: row.name == "Never Visited").reason == \
            "Class A, never visited"
        assert set(rows.mapped("user_id")) == {s.alice}
        assert not suggestions(s, s.bob, blocks(s, s.bob, "dashboard_my_day")).filtered(
            lambda row: row.name in ("Debtor Shop", "Never Visited"))
        as_user(rows.filtered(lambda row: row.name == "Debtor Shop"), s.alice) \
            .action_add_to_plan()
        today = s.env["sales.visit.plan"].search([("user_id", "=", s.alice.id),
                                                  ("date", "=", DAY)])
        assert today.visit_ids.partner_id == debtor
        assert today.visit_ids.purpose == "collection"
        assert suggestions(s, s.alice, board).mapped("name") == ["Never Visited"]


def test_my_day_is_the_day_of_the_company_for_a_user_without_time_zone(s):
    """At 07:30 in Shanghai (23:30 UTC the day before), a salesperson who set
    no time zone works in the company's: My Day lists today's plan and
    suggests today's visits, not yesterday's (UTC's)."""
    s.alice.tz = False
    s.company.partner_id.tz = "Asia/Shanghai"
    overdue_shop(s, "Never Visited", s.alice)
    with freeze_time("2026-03-09 23:30:00"):
        board = blocks(s, s.alice, "dashboard_my_day")
        mine = plan(s, s.alice, DAY)
        model, domain = board["Today's Visit Plan"]
        assert s.env[model].search(domain) == mine
        rows = suggestions(s, s.alice, board)
    assert rows and {str(day) for day in rows.mapped("date")} == {DAY}


def test_my_day_lists_my_customers_overdue_for_a_visit(s):
    mine = overdue_shop(s, "Never Visited", s.alice)
    overdue_shop(s, "Bob's Shop", s.bob)
    s.env["res.partner"].create(dict(CUSTOMER, name="No Class", user_id=s.alice.id))
    with freeze_time("%s 02:00:00" % DAY):
        model, domain = blocks(s, s.alice, "dashboard_my_day")[
            "My Customers Overdue for a Visit"]
        assert as_user(s.env[model], s.alice).search(domain) == mine
