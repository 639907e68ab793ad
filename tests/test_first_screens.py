"""What each role sees first: the Sales Process app opens the board of the
user's role, and each block of a board shows the user's own day, week or
month (the board of Odoo evaluates a block's domain without the user: the
addon evaluates it on the server, models/board_board.py)."""

import ast

import pytest
from edition import as_user, board_arch
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
