"""Where salespeople already work (R2): a lead or an opportunity shows its
visits and its customer's market reports, plans a visit into the day's plan,
and keeps its last and next visit for the pipeline's filters; a customer
shows its visits, last visit, market reports and complaints.  Alice works in
Shanghai (UTC+8); "today" is Tuesday 10 March 2026."""

import datetime

import pytest
from edition import as_text, as_user, flush, invalidate
from freezegun import freeze_time
from lxml import etree
from targets_scenario import Scenario, refused

from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

try:  # Odoo 18 evaluates with a wrapped module
    from odoo.tools.safe_eval import datetime as eval_datetime
except ImportError:  # Odoo 11 with the module itself
    eval_datetime = datetime

TODAY = "2026-03-10"
TOMORROW = "2026-03-11"
NOW = "2026-03-10 02:00:00"  # 10:00 in Shanghai


@pytest.fixture
def s(env):
    scenario = Scenario(env)
    scenario.alice.tz = "Asia/Shanghai"
    scenario.lead = env["crm.lead"].create({
        "name": "Tea for the canteen", "type": "opportunity", "partner_id": scenario.shop_x.id,
        "user_id": scenario.alice.id, "team_id": scenario.north.id})
    return scenario


def pipeline_filter(env, name):
    """The domain of the pipeline's search filter ``name`` on 10 March, as the
    web client evaluates it."""
    arch = etree.fromstring(env.ref("sales_process_mgmt.crm_lead_view_search_oppor").arch_db
                            .encode())
    domain = arch.xpath("//filter[@name='%s']" % name)[0].get("domain")
    return safe_eval(domain, {"context_today": lambda: datetime.date(2026, 3, 10),
                              "datetime": eval_datetime})


def plan_visit(s, user, day, **values):
    """Plan a Visit from the opportunity, as ``user``, for ``day``."""
    lead = as_user(s.lead, user)
    action = lead.action_sales_plan_visit()
    wizard = as_user(s.env[action["res_model"]], user).with_context(action["context"]).create(
        dict({"date": day, "start_time": 14.5, "duration": 1.0, "purpose": "order"}, **values))
    return wizard.action_confirm()


def test_plan_a_visit_from_an_opportunity_goes_into_tomorrows_plan(s):
    with freeze_time(NOW):
        action = plan_visit(s, s.alice, TOMORROW)
    plan = s.env["sales.visit.plan"].browse(action["res_id"])
    assert plan.user_id == s.alice and as_text(plan.date) == TOMORROW
    assert plan.state == "draft"
    visit = plan.visit_ids
    assert len(visit) == 1 and visit.lead_id == s.lead and visit.partner_id == s.shop_x
    assert visit.planned
    # 14:30 in Shanghai is 06:30 UTC.
    assert as_text(visit.planned_start) == "%s 06:30:00" % TOMORROW
    assert as_text(visit.planned_stop) == "%s 07:30:00" % TOMORROW
    flush(s.env)
    invalidate(s.lead)
    assert as_text(s.lead.sales_next_visit_date) == TOMORROW
    assert not s.lead.sales_last_visit_date
    assert as_user(s.lead, s.alice).sales_visit_count == 1
    # A second visit the same day goes into the same plan.
    with freeze_time(NOW):
        again = plan_visit(s, s.alice, TOMORROW, start_time=16.0)
    assert again["res_id"] == plan.id and len(plan.visit_ids) == 2
    # The supervisor sees it in the plan to approve.
    as_user(plan, s.alice).action_submit()
    assert as_user(s.env["sales.visit.plan"], s.sup_north).search([
        ("state", "=", "submitted"), ("date", "=", TOMORROW)]) == plan


def test_plan_a_visit_into_an_approved_plan_is_unplanned(s):
    with freeze_time(NOW):
        plan = s.env["sales.visit.plan"].browse(plan_visit(s, s.alice, TOMORROW)["res_id"])
        as_user(plan, s.alice).action_submit()
        as_user(plan, s.sup_north).action_approve()
        plan_visit(s, s.alice, TOMORROW, start_time=17.0, purpose="service")
    added = plan.visit_ids.filtered(lambda visit: visit.purpose == "service")
    assert len(plan.visit_ids) == 2 and added and not added.planned


def test_plan_a_visit_refuses_a_submitted_plan_and_a_past_day(s):
    with freeze_time(NOW):
        plan = s.env["sales.visit.plan"].browse(plan_visit(s, s.alice, TOMORROW)["res_id"])
        as_user(plan, s.alice).action_submit()
        with refused(s.env, UserError, "waiting for approval"):
            plan_visit(s, s.alice, TOMORROW)
        with refused(s.env, UserError, "is past"):
            plan_visit(s, s.alice, "2026-03-09")
        with refused(s.env, UserError, "lasts at most 12 hours"):
            plan_visit(s, s.alice, "2026-03-12", duration=13.0)
    assert len(plan.visit_ids) == 1
    assert not s.env["sales.visit.plan"].search([("user_id", "=", s.alice.id),
                                                 ("date", "in", ("2026-03-09", "2026-03-12"))])


def test_last_and_next_visit_and_the_pipeline_filters(s):
    """A visit done on 2 February and one planned for tomorrow: the last visit
    is 2 February, the next tomorrow; the opportunity is "not visited for 30
    days" on 10 March, and "visit planned"."""
    other = s.env["crm.lead"].create({"name": "Bread", "type": "opportunity",
                                      "partner_id": s.shop_y.id, "user_id": s.alice.id})
    with freeze_time("2026-02-02 02:00:00"):
        old = s.env["sales.visit.plan"].browse(plan_visit(s, s.alice, "2026-02-02")["res_id"])
    old.visit_ids.write({"state": "done"})
    with freeze_time(NOW):
        plan_visit(s, s.alice, TOMORROW)
    flush(s.env)
    invalidate(s.lead)
    assert as_text(s.lead.sales_last_visit_date) == "2026-02-02"
    assert as_text(s.lead.sales_next_visit_date) == TOMORROW
    leads = s.env["crm.lead"]
    both = [("id", "in", (s.lead | other).ids)]
    assert leads.search(both + pipeline_filter(s.env, "sales_not_visited_30")) == s.lead | other
    assert leads.search(both + pipeline_filter(s.env, "sales_visit_planned")) == s.lead
    # Visited yesterday: no longer "not visited for 30 days".
    with freeze_time("2026-03-09 02:00:00"):
        plan_visit(s, s.alice, "2026-03-09")
    s.env["sales.visit"].search([("lead_id", "=", s.lead.id),
                                 ("date", "=", "2026-03-09")]).state = "done"
    flush(s.env)
    assert leads.search(both + pipeline_filter(s.env, "sales_not_visited_30")) == other
    # The customer: its visits, its last visit.
    invalidate(s.shop_x)
    assert as_text(s.shop_x.sales_last_visit_date) == "2026-03-09"
    assert as_user(s.shop_x, s.alice).sales_visit_count == 3


def test_customer_and_opportunity_count_market_reports_and_complaints(s):
    reports = as_user(s.env["sales.market.report"], s.alice)
    contact = s.env["res.partner"].create({"name": "Buyer of Shop X",
                                           "parent_id": s.shop_x.id})
    reports.create({"title": "Price cut", "description": "d", "partner_id": s.shop_x.id})
    reports.create({"title": "Late delivery", "description": "d", "partner_id": contact.id,
                    "kind": "customer_complaint"})
    reports.create({"title": "Elsewhere", "description": "d", "partner_id": s.shop_y.id})
    shop = as_user(s.shop_x, s.alice)
    assert (shop.sales_market_report_count, shop.sales_complaint_count) == (2, 1)
    assert as_user(s.lead, s.alice).sales_market_report_count == 2
    action = shop.action_sales_complaints()
    found = s.env[action["res_model"]].search(action["domain"])
    assert found.mapped("title") == ["Late delivery"]
    # Carol (another team) sees no report of Alice's: the counts follow the rules.
    invalidate(s.shop_x)
    assert as_user(s.shop_x, s.carol).sales_market_report_count == 0
