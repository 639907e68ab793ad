"""The Monday regional report (R8), the report KPI (R9), the dashboards of
each role (R3, R11) and the XLSX and PDF exports.  The week is Monday 9 to
Sunday 15 March 2026; the company is in Shanghai (UTC+8)."""

import io
import subprocess
import unicodedata

import openpyxl
import pytest
from babel.messages.pofile import read_po
from edition import (
    ADDONS,
    VERSION,
    as_text,
    as_user,
    flush,
    forget,
    has_right,
    load_language,
    render_pdf,
    render_xlsx,
    set_due_date,
)
from freezegun import freeze_time
from lxml import etree
from targets_scenario import Scenario, make_user, refused

from odoo.exceptions import AccessError, UserError

ADDON = ADDONS / "sales_process_mgmt"
MONDAY = "2026-03-09"
NEXT_MONDAY = "2026-03-16"


def plan_visits(s, user, date, visits):
    """An approved plan of ``user`` on ``date``; visits = [(partner, UTC hour)]."""
    plan = as_user(s.env["sales.visit.plan"], user).create({"date": date, "visit_ids": [
        (0, 0, {"partner_id": partner.id, "purpose": "order",
                "planned_start": "%s %02d:00:00" % (date, hour),
                "planned_stop": "%s %02d:30:00" % (date, hour)}) for partner, hour in visits]})
    as_user(plan, user).action_submit()
    return plan.sudo()


@pytest.fixture
def week(env):
    """North's week, worked out:

    * sales: Alice 250 to Shop X on the 10th (Shop X's first order: a new
      customer), Bob 150 to Shop Y on the 12th: 400; earlier in March Alice
      sold 100 to Shop Y (the 3rd): month to date 500.
    * the team's March targets: sales 2200 over 22 working days, the week's 5
      days: 500; new customers 22: 5 for the week.
    * collections: Shop Y (North's customer) pays 80 on the 10th.
    * visits: Alice 3 on the 10th (Shop X done with the order, Shop Y done with
      the payment, the distributor not done), Bob 2 on the 12th (Shop Y done
      with the order, Shop X done without result): planned 5, done 4,
      effective 3 (75 %), with an order 2 (50 %).
    * 2 salespeople (the leader is not one): 200 sales each; reports due
      5 × 2 = 10; Alice's of the 10th on time, Bob's of the 12th late: 2
      submitted, 1 late, 8 missing.  Plans: Alice's approved at once, Bob's
      after a return: 2 approved, 1 on first submission.
    * a market report on Brand B; abnormal customers: Shop Y (invoice of the
      3rd overdue since the 5th), the distributor (last order on 20 January,
      more than 4 weeks before the 15th), Shop X (an open complaint): 3.
    """
    s = Scenario(env)
    s.company.sales_director_id = s.director
    brand_b = env["res.partner"].create({"name": "Brand B", "is_competitor": True})
    for metric, amount in (("sales", 2200.0), ("new_customers", 22.0)):
        s.line(metric, "2026-03-01", "2026-03-31", amount, team_id=s.north)
    s.order(s.alice, s.distributor, "2026-01-20 02:00:00", [(s.bread, 1, 30.0)])
    early = s.order(s.alice, s.shop_y, "2026-03-03 02:00:00", [(s.bread, 2, 50.0)])
    invoice = s.invoice(early)
    set_due_date(invoice, "2026-03-05")
    s.order(s.alice, s.shop_x, "2026-03-10 02:30:00", [(s.tea_product, 1, 250.0)])
    s.order(s.bob, s.shop_y, "2026-03-12 03:30:00", [(s.tea_product, 1, 150.0)])
    s.pay(s.shop_y, 80.0, "2026-03-10")

    alice_plan = plan_visits(s, s.alice, "2026-03-10", [(s.shop_x, 2), (s.shop_y, 3),
                                                        (s.distributor, 6)])
    as_user(alice_plan, s.sup_north).action_approve()
    bob_plan = plan_visits(s, s.bob, "2026-03-12", [(s.shop_y, 3), (s.shop_x, 5)])
    as_user(bob_plan, s.sup_north).action_return("Add the time of the second visit")
    as_user(bob_plan, s.bob).action_submit()
    as_user(bob_plan, s.sup_north).action_approve()
    as_user(alice_plan.visit_ids[:2], s.alice).action_done()
    as_user(alice_plan.visit_ids[2], s.alice).write({"state": "missed", "missed_reason": "Rain"})
    as_user(bob_plan.visit_ids, s.bob).action_done()
    assert [v.is_effective for v in alice_plan.visit_ids | bob_plan.visit_ids] == [
        True, True, False, True, False]

    with freeze_time("2026-03-10 12:00:00"):
        as_user(env["sales.daily.report"], s.alice).create({"date": "2026-03-10"}).action_submit()
    with freeze_time("2026-03-12 15:00:00"):
        as_user(env["sales.daily.report"], s.bob).create({"date": "2026-03-12"}).action_submit()
    as_user(env["sales.market.report"], s.alice).create({
        "title": "Brand B: 10% off green tea", "description": "Pudong supermarkets",
        "competitor_id": brand_b.id, "date": "2026-03-10"})
    as_user(env["sales.market.report"], s.alice).create({
        "title": "Broken cartons", "description": "Six cartons", "kind": "customer_complaint",
        "partner_id": s.shop_x.id, "date": "2026-03-13"})
    return s


def generate(s, today=NEXT_MONDAY):
    reports = s.env["sales.weekly.report"]._cron_generate(today)
    return reports.filtered(lambda r: r.team_id == s.north)


def test_weekly_figures_worked_example(week):
    s = week
    report = generate(s)
    assert as_text((report.week_start, report.week_end, report.name)) == (
        MONDAY, "2026-03-15", "North 2026-W11")
    assert (report.sales_amount, report.new_customer_count, report.collection_amount) == (
        400.0, 1, 80.0)
    assert (report.visit_planned, report.visit_done, report.visit_effective,
            report.visit_with_order) == (5, 4, 3, 2)
    assert (report.effective_rate, report.transaction_rate) == (75.0, 50.0)
    assert (report.salesperson_count, report.avg_sales_per_salesperson) == (2, 200.0)
    assert (report.reports_due, report.reports_submitted, report.reports_late,
            report.reports_missing) == (10, 2, 1, 8)
    assert (report.plans_approved, report.plans_first_time) == (2, 1)
    targets = {line.metric: (line.week_target, line.week_actual, line.month_target,
                             line.month_actual) for line in report.target_ids}
    assert targets == {"sales": (500.0, 400.0, 2200.0, 500.0),
                       "new_customers": (5.0, 1.0, 22.0, 2.0)}
    assert report.target_ids.filtered(lambda t: t.metric == "sales").week_rate == 80.0
    assert "Brand B" in report.competitor_html and "10% off" in report.competitor_html
    assert report.abnormal_count == 3
    for text in ("Shop Y", "Overdue collection", "Dist Co", "No order", "Shop X",
                 "Open complaint"):
        assert text in report.abnormal_html, text


def test_monday_action_is_idempotent_and_keeps_what_people_wrote(week):
    s = week
    report = generate(s)
    count = s.env["sales.weekly.report"].search_count([])
    as_user(report, s.sup_north).write({"week_comment": "A good week for tea.",
                                    "next_week_targets": "Sales 600",
                                    "next_week_plan": "Visit the three abnormal customers."})
    s.order(s.bob, s.shop_y, "2026-03-13 03:00:00", [(s.bread, 1, 100.0)])
    again = generate(s)
    assert again == report
    assert s.env["sales.weekly.report"].search_count([]) == count, "nothing created twice"
    assert report.sales_amount == 500.0, "the figures are refreshed"
    assert (report.week_comment, report.next_week_targets, report.next_week_plan) == (
        "A good week for tea.", "Sales 600", "Visit the three abnormal customers.")
    assert len(report.target_ids) == 2

    as_user(report, s.sup_north).action_submit()
    assert report.state == "submitted"
    assert report.activity_ids.mapped("user_id") == s.director
    with refused(s.env, UserError, "can no longer change"):
        as_user(report, s.sup_north).week_comment = "Changed"
    with refused(s.env, AccessError, "Only a sales director"):
        as_user(report, s.sup_north).action_close()
    as_user(report, s.director).write({"director_comment": "Follow the overdue invoice."})
    as_user(report, s.director).action_close()
    assert report.state == "closed" and not report.activity_ids
    s.order(s.bob, s.shop_y, "2026-03-13 04:00:00", [(s.bread, 1, 100.0)])
    generate(s)
    assert report.sales_amount == 500.0, "a closed report is left as it is"


def test_a_director_makes_the_reports_of_a_chosen_week(week):
    """The wizard makes the reports of the week of any of its days; over RPC the
    public ``generate_week`` does the same; only a director may."""
    s = week
    wizard = as_user(s.env["sales.weekly.report.generate"], s.director).create(
        {"day": "2026-03-12"})
    action = wizard.action_generate()
    reports = s.env["sales.weekly.report"].browse(action["domain"][0][2])
    assert s.north | s.south <= reports.mapped("team_id")
    assert as_text(set(reports.mapped("week_start"))) == {MONDAY}
    north = reports.filtered(lambda r: r.team_id == s.north)
    assert north.sales_amount == 400.0
    # The week before, made again from a Sunday: created once, then refreshed.
    earlier = as_user(s.env["sales.weekly.report"], s.director).generate_week("2026-03-08")
    again = as_user(s.env["sales.weekly.report"], s.director).generate_week("2026-03-02")
    assert earlier == again and as_text(set(earlier.mapped("week_start"))) == {"2026-03-02"}
    with refused(s.env, AccessError, "Only a sales director makes the weekly reports"):
        as_user(s.env["sales.weekly.report"], s.sup_north).generate_week("2026-03-12")


def test_weekly_refusals_and_access(week):
    s = week
    report = generate(s)
    south = s.env["sales.weekly.report"].search([("team_id", "=", s.south.id),
                                                 ("week_start", "=", MONDAY)])
    with refused(s.env, AccessError):
        as_user(report, s.sup_south).read(["name"])
    with refused(s.env, AccessError):
        as_user(s.env["sales.weekly.report"], s.alice).search([])
    with refused(s.env, AccessError, "Only a sales director comments"):
        as_user(report, s.sup_north).director_comment = "Self-praise"
    with refused(s.env, UserError, "changes with its buttons"):
        as_user(report, s.sup_north).state = "closed"
    visible = as_user(s.env["sales.weekly.report"], s.executive).search([
        ("id", "in", (report | south).ids)])
    assert visible == report | south
    with refused(s.env, AccessError):
        visible.write({"week_comment": "Executives only read"})


def test_monday_action_queries_do_not_grow_with_salespeople(week):
    s = week
    report = generate(s)

    def refresh_queries():
        flush(s.env)  # what the test wrote, not the refresh's own work
        forget(s.env)
        before = s.env.cr.sql_log_count
        report._refresh()
        return s.env.cr.sql_log_count - before

    refresh_queries()
    small = refresh_queries()
    for index in range(5):
        user = make_user(s.env, "t_more_%d" % index, s.north,
                         "sales_process_mgmt.group_salesperson")
        plan_visits(s, user, "2026-03-11", [(s.shop_x, 2), (s.shop_y, 4)])
        s.order(user, s.shop_x, "2026-03-11 03:00:00", [(s.bread, 1, 10.0)])
    # Creating users empties Odoo's caches (of templates, access rules):
    # warmed up again, as before the first measure.
    refresh_queries()
    assert refresh_queries() == small
    assert report.salesperson_count == 7


# ------------------------------------------------------------------------ KPI


def test_report_kpi_per_salesperson(week):
    """Alice: 1 report due (the 10th), on time; Bob: 1 due, late by 15:00 -
    13:00 = 2 hours.  Bob's report scored 3.  Plans: Alice approved at once,
    Bob after a return."""
    s = week
    bob_report = s.env["sales.daily.report"].search([("user_id", "=", s.bob.id)])
    as_user(bob_report, s.sup_north).write({"quality_score": "3"})
    as_user(bob_report, s.sup_north).action_approve()
    kpi = as_user(s.env["sales.report.kpi"], s.sup_north)
    fields = ["user_id", "reports_due", "submission_rate", "on_time_rate", "avg_late_hours",
              "avg_quality", "first_time_rate"]
    rows = kpi.read_group([("date", ">=", MONDAY), ("date", "<=", "2026-03-15")], fields,
                          ["user_id"])
    figures = {row["user_id"][0]: tuple(round(row[name], 2) for name in fields[1:])
               for row in rows}
    assert figures == {s.alice.id: (1, 100.0, 100.0, 0.0, 0.0, 100.0),
                       s.bob.id: (1, 100.0, 0.0, 2.0, 3.0, 0.0)}
    team = kpi.read_group([("date", ">=", MONDAY)], ["team_id", "on_time_rate",
                                                     "first_time_rate"], ["team_id"])
    assert [(row["on_time_rate"], row["first_time_rate"]) for row in team] == [(50.0, 50.0)]
    own = as_user(s.env["sales.report.kpi"], s.alice).search([])
    assert set(own.mapped("user_id")) == {s.alice}


# ----------------------------------------------------------------- dashboards


DASHBOARDS = {
    "salesperson": {"dashboard_my_day_menu"},
    "supervisor": {"dashboard_my_day_menu", "dashboard_team_week_menu",
                   "dashboard_whole_picture_menu"},
    "director": {"dashboard_my_day_menu", "dashboard_team_week_menu",
                 "dashboard_whole_picture_menu", "dashboard_director_month_menu",
                 "dashboard_results_menu"},
    "executive": {"dashboard_results_menu"},
}


@pytest.mark.parametrize("role", sorted(DASHBOARDS))
def test_each_role_has_its_dashboards_and_may_open_every_block(env, role):
    s = Scenario(env)
    user = {"salesperson": s.alice, "supervisor": s.sup_north, "director": s.director,
            "executive": s.executive}[role]
    menus = as_user(env["ir.ui.menu"], user).search([
        ("parent_id", "=", env.ref("sales_process_mgmt.menu_dashboards").id)])
    assert set(menus.get_external_id().values()) == {
        "sales_process_mgmt." + name for name in DASHBOARDS[role]}
    for menu in menus:
        # The board and its blocks' actions as the web client loads them for
        # the user (it reads views and actions for them); what the user opens
        # is each block's model, with the user's rights.
        board = menu.sudo().action
        arch = etree.fromstring(board.view_id.arch)
        models = set()
        for block in arch.iter("action"):
            action = env["ir.actions.act_window"].browse(int(block.get("name")))
            model = as_user(env[action.res_model], user)
            assert has_right(model, "read"), (
                menu.name, action.name)
            model.search([], limit=1)  # the block opens without an access error
            models.add(action.res_model)
        if role == "executive":
            assert models == {"sales.target.analysis"}, "results only"


# -------------------------------------------------------------------- exports


def test_weekly_report_xlsx(week):
    s = week
    report = generate(s)
    as_user(report, s.sup_north).week_comment = "A good week for tea."
    action = s.env.ref("sales_process_mgmt.sales_weekly_report_xlsx")
    content, kind = render_xlsx(as_user(action, s.sup_north), report.ids)
    assert kind == "xlsx"
    book = openpyxl.load_workbook(io.BytesIO(content))
    summary = book.worksheets[0]
    assert summary["A3"].value == "Report" and summary["B3"].value == "Sales"
    assert summary.freeze_panes == "B4"
    assert (summary["A4"].value, summary["B4"].value, summary["C4"].value) == (
        "North 2026-W11", 400.0, 1)
    assert summary["F4"].value == 0.75 and summary["F4"].number_format == "0.0%"
    assert summary["B4"].number_format == "#,##0.00"
    assert summary["A5"].value == "Total" and summary["B5"].value == "=SUM(B4:B4)"
    detail = book.worksheets[1]
    metrics = {detail.cell(row, 1).value: (detail.cell(row, 2).value,
                                            detail.cell(row, 3).value)
               for row in range(4, 6)}
    assert metrics == {"Sales Amount": (500.0, 400.0), "New Customers": (5.0, 1.0)}
    texts = [cell.value for row in detail.iter_rows() for cell in row if cell.value]
    assert "A good week for tea." in texts


def test_target_achievement_xlsx(env):
    s = Scenario(env)
    lines = s.line("sales", "2026-03-01", "2026-03-31", 1000.0, team_id=s.north) | s.line(
        "sales", "2026-03-01", "2026-03-31", 400.0, team_id=s.south)
    s.order(s.alice, s.shop_x, "2026-03-10 02:30:00", [(s.tea_product, 1, 250.0)])
    content, _kind = render_xlsx(env.ref("sales_process_mgmt.sales_target_line_xlsx"),
                                 lines.ids)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A4" and sheet["H3"].value == "Target"
    rows = [(sheet.cell(r, 4).value, sheet.cell(r, 8).value, sheet.cell(r, 9).value,
             sheet.cell(r, 10).value) for r in (4, 5)]
    assert rows == [("North", 1000.0, 250.0, 0.25), ("South", 400.0, 0.0, 0.0)]
    assert (sheet["A7"].value, sheet["H7"].value, sheet["I7"].value) == (
        "Total of the rows", 1400.0, 250.0)


def _pdf_text(content):
    assert content.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


@pytest.fixture
def real_pdf(monkeypatch, tmp_path, env):
    """Odoo 11 returns HTML instead of PDF under tests unless a report directory
    is set: render the real PDF with wkhtmltopdf.

    Odoo 18's reports load their web font from the server (``report.url``, else
    ``web.base.url``): wkhtmltopdf draws its letters as outlines, with no text
    for ``pdftotext`` to read.  Where the suite's server is running, the PDF is
    made without it (the system fonts), so that its text can be checked; the
    layout itself is the same."""
    import odoo

    monkeypatch.setitem(odoo.tools.config.options, "test_report_directory", str(tmp_path))
    if VERSION >= 13:
        env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")


def test_weekly_and_daily_report_pdf(week, real_pdf):
    s = week
    report = generate(s)
    pdf = render_pdf(s.env.ref("sales_process_mgmt.sales_weekly_report_pdf"), report.ids)
    text = _pdf_text(pdf)
    assert "Sales Management Report" in text and "North 2026-W11" in text
    assert "Brand B" in text and "Open complaint" in text
    daily = s.env["sales.daily.report"].search([("user_id", "=", s.alice.id)])
    pdf = render_pdf(s.env.ref("sales_process_mgmt.sales_daily_report_pdf"), daily.ids)
    text = _pdf_text(pdf)
    assert "Daily Sales Report" in text and "Shop X" in text


def test_pdf_in_the_language_of_the_user_who_prints(week, real_pdf):
    """A supervisor working in Chinese prints the weekly report in Chinese."""
    s = week
    load_language(s.env, "zh_CN", ["sales_process_mgmt"])
    s.sup_north.lang = "zh_CN"
    report = generate(s)
    action = s.env.ref("sales_process_mgmt.sales_weekly_report_pdf")
    pdf = render_pdf(as_user(action, s.sup_north).with_context(lang="zh_CN"), report.ids)
    # pdftotext gives some ideographs as their Kangxi radicals (⼿ for 手): NFKC.
    text = unicodedata.normalize("NFKC", _pdf_text(pdf)).replace(" ", "")
    with open(ADDON / "i18n" / "zh_CN.po", "rb") as po:
        catalog = read_po(po)
    for english in ("Sales Management Report", "Competitor Dynamics", "Abnormal Customers"):
        chinese = catalog.get(english).string
        assert chinese and chinese != english
        assert chinese.replace(" ", "") in text, (chinese, text[:300])
    assert "Sales Management Report" not in text


def test_an_integration_makes_a_week_over_rpc(odoo_rpc, odoo_server):
    """A director's integration calls the public method over JSON-RPC; a
    salesperson's call is refused with the clear message."""
    import odoorpc

    from odoo.tests.common import get_db_name

    port = int(odoo_server.rsplit(":", 1)[1])
    logins, users = {}, {}
    for role in ("director", "supervisor", "salesperson"):
        login = "rpc_week_%s_%s" % (role, port)
        users[role] = odoo_rpc.env["res.users"].with_context(no_reset_password=True).create({
            "name": login, "login": login, "password": login,
            "email": "%s@example.com" % login,
            "groups_id": [(6, 0, [odoo_rpc.env.ref(
                "sales_process_mgmt.group_%s" % role).id])]})
        logins[role] = odoorpc.ODOO("127.0.0.1", port=port, timeout=120)
        logins[role].login(get_db_name(), login, login)
    team = odoo_rpc.env["crm.team"].create({"name": "RPC Region %s" % port,
                                            "user_id": users["supervisor"]})
    ids = logins["director"].env["sales.weekly.report"].generate_week("2026-03-12")
    weeks = logins["director"].env["sales.weekly.report"].read(ids, ["week_start", "team_id"])
    assert {week["week_start"] for week in weeks} == {MONDAY}
    assert team in [week["team_id"][0] for week in weeks]
    with pytest.raises(odoorpc.error.RPCError, match="Only a sales director makes"):
        logins["salesperson"].env["sales.weekly.report"].generate_week("2026-03-12")
