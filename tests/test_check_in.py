"""Check-in on site (签到/签退): the time, the browser's location and the
distance to the customer computed on the server; a check-in far from the
customer, out of the planned time or without location is flagged for the
supervisor, on the plan and in the efficiency analysis.

Alice works in Shanghai (UTC+8); her visit to Shop X on 10 March 2026 is
planned 09:00-10:00 local (01:00-02:00 UTC).  Shop X stands by Hangzhou's West
Lake, at 30.2431° N, 120.1503° E.  The company flags a check-in farther than
1 km (1000 m) or more than 30 minutes out of the planned time (the defaults).

The worked example of the distance, by hand: on a sphere of the Earth's mean
radius R = 6 371 008.8 m, one degree of latitude is R·π/180 = 111 195.08 m, so
5 km due north is 5000 / 111 195.08 = 0.044966° of latitude, at 30.288066° N;
5 km due east, at the latitude of 30.2431°, is 5000 / (111 195.08 ×
cos 30.2431°) = 5000 / (111 195.08 × 0.863883) = 5000 / 96 059.5 = 0.052051°
of longitude, at 120.202351° E.  Both are 5000 m within 1 %.
"""

import pytest
from edition import as_user, flush, invalidate
from freezegun import freeze_time
from targets_scenario import Scenario, refused

from odoo.exceptions import AccessError, UserError

from odoo.addons.sales_process_mgmt.lib import geo

DAY = "2026-03-10"
WEST_LAKE = (30.2431, 120.1503)
NORTH_5KM = (30.288066, 120.1503)
EAST_5KM = (30.2431, 120.202351)
NEAR = (30.2441, 120.1503)  # 0.001° of latitude north: 111 m


@pytest.fixture
def s(env):
    s = Scenario(env)
    s.alice.tz = s.bob.tz = "Asia/Shanghai"
    s.shop_x.write({"partner_latitude": WEST_LAKE[0], "partner_longitude": WEST_LAKE[1]})
    s.plan = as_user(env["sales.visit.plan"], s.alice).create({"date": DAY, "visit_ids": [
        (0, 0, {"partner_id": s.shop_x.id, "purpose": "order",
                "planned_start": "%s 01:00:00" % DAY, "planned_stop": "%s 02:00:00" % DAY}),
        (0, 0, {"partner_id": s.shop_y.id, "purpose": "service",
                "planned_start": "%s 03:00:00" % DAY, "planned_stop": "%s 04:00:00" % DAY}),
    ]})
    s.visit, s.other_visit = s.plan.visit_ids.sorted("planned_start")
    return s


def check_in(s, visit, moment, place=None, accuracy=15.0, user=None):
    args = (place[0], place[1], accuracy) if place else ()
    with freeze_time(moment):
        message = as_user(visit, user or s.alice).action_check_in(*args)
    invalidate(visit)
    return message


def test_the_distance_of_the_worked_example():
    for place in (NORTH_5KM, EAST_5KM):
        assert geo.haversine(*(WEST_LAKE + place)) == pytest.approx(5000, rel=0.01)
    assert geo.haversine(*(WEST_LAKE + NEAR)) == pytest.approx(111.2, abs=0.5)
    assert geo.haversine(*(WEST_LAKE + WEST_LAKE)) == 0
    assert [geo.format_distance(m) for m in (111.2, 5000, 12345)] == ["111 m", "5.0 km", "12 km"]


def test_a_check_in_near_the_customer_on_time_is_not_flagged(s):
    message = check_in(s, s.visit, "2026-03-10 01:05:00", NEAR)
    visit = s.visit
    assert str(visit.check_in_at) == "2026-03-10 01:05:00"
    assert (visit.check_in_latitude, visit.check_in_longitude, visit.check_in_accuracy) == \
        (NEAR[0], NEAR[1], 15.0)
    assert visit.check_in_located and visit.check_in_measured
    assert visit.check_in_distance == pytest.approx(111.2, abs=0.5)
    assert not (visit.check_in_far or visit.check_in_off_time or visit.check_in_flagged)
    assert not visit.check_in_flag_reason
    assert str(visit.actual_start) == "2026-03-10 01:05:00"
    assert message == "Checked in at 09:05, 111 m from the customer."


def test_a_check_in_5_km_away_is_flagged(s):
    message = check_in(s, s.visit, "2026-03-10 01:05:00", NORTH_5KM)
    visit = s.visit
    assert visit.check_in_distance == pytest.approx(5000, rel=0.01)
    assert visit.check_in_far and visit.check_in_flagged and not visit.check_in_off_time
    assert visit.check_in_flag_reason == "checked in 5.0 km from the customer"
    assert message == ("Checked in at 09:05, 5.0 km from the customer. Flagged for your "
                       "supervisor: checked in 5.0 km from the customer.")
    # The company's distance decides: 6 km allowed, the same place is near.
    s.company.sales_check_in_distance = 6000
    check_in(s, s.other_visit, "2026-03-10 03:05:00", EAST_5KM)
    assert s.other_visit.check_in_measured is False  # Shop Y has no coordinates
    assert not s.other_visit.check_in_flagged


def test_a_check_in_out_of_the_planned_time_is_flagged(s):
    # 10:29 is within the 30 minutes after the planned end (10:00); 08:25 is not
    # within the 30 minutes before the start (09:00).
    check_in(s, s.visit, "2026-03-10 02:29:00", NEAR)
    assert not s.visit.check_in_flagged
    check_in(s, s.other_visit, "2026-03-10 00:25:00", NEAR)
    other = s.other_visit
    assert other.check_in_off_time and other.check_in_flagged and not other.check_in_far
    assert other.check_in_flag_reason == "checked in at 08:25, planned 11:00-12:00"


def test_without_location_or_customer_coordinates_the_check_in_is_recorded(s):
    message = check_in(s, s.visit, "2026-03-10 01:05:00")
    visit = s.visit
    assert visit.check_in_at and not visit.check_in_located and not visit.check_in_measured
    assert visit.check_in_flagged and not visit.check_in_far
    assert visit.check_in_flag_reason == "checked in without location"
    assert message.startswith("Checked in at 09:05 without location: the browser gave none")
    message = check_in(s, s.other_visit, "2026-03-10 03:05:00", NEAR)
    assert message == ("Checked in at 11:05: the customer has no coordinates to measure the "
                       "distance.")
    assert not s.other_visit.check_in_flagged


def test_check_out_after_check_in(s):
    check_in(s, s.visit, "2026-03-10 01:05:00", NEAR)
    with freeze_time("2026-03-10 01:50:00"):
        message = as_user(s.visit, s.alice).action_check_out(*NORTH_5KM)
    invalidate(s.visit)
    assert str(s.visit.check_out_at) == "2026-03-10 01:50:00"
    assert str(s.visit.actual_stop) == "2026-03-10 01:50:00"
    assert s.visit.check_out_distance == pytest.approx(5000, rel=0.01)
    assert not s.visit.check_in_far  # the check-in decides the flag
    assert message == "Checked out at 09:50, 5.0 km from the customer."


def test_refusals(s):
    env = s.env
    with refused(env, UserError, "Check in at Shop X before checking out"):
        as_user(s.visit, s.alice).action_check_out(*NEAR)
    check_in(s, s.visit, "2026-03-10 01:05:00", NEAR)
    with refused(env, UserError, "already checked in at 09:05"):
        as_user(s.visit, s.alice).action_check_in(*NEAR)
    # Another salesperson may not read Alice's visit; her supervisor may, but
    # does not check in for her.
    with refused(env, (AccessError, UserError)):
        as_user(s.other_visit, s.bob).action_check_in(*NEAR)
    with refused(env, UserError, "Only T Alice, whose visit it is, can check in"):
        as_user(s.other_visit, s.sup_north).action_check_in(*NEAR)
    # The facts are the server's: a client cannot write them.
    with refused(env, UserError, "checked in and out with its buttons only"):
        as_user(s.other_visit, s.alice).write({"check_in_at": "2026-03-10 03:00:00"})
    with refused(env, UserError, "checked in and out with its buttons only"):
        as_user(s.other_visit, s.alice).write({"check_in_flagged": False, "check_in_far": False})
    with refused(env, UserError, "latitude must be a number from -90 to 90"):
        as_user(s.other_visit, s.alice).action_check_in(95.0, 120.0, 10.0)
    with refused(env, UserError, "longitude"):
        as_user(s.other_visit, s.alice).action_check_in(30.0, "east", 10.0)
    with refused(env, UserError, "accuracy"):
        as_user(s.other_visit, s.alice).action_check_in(30.0, 120.0, -1)
    invalidate(s.other_visit)
    assert not s.other_visit.check_in_at
    with freeze_time("2026-03-10 01:50:00"):
        as_user(s.visit, s.alice).action_check_out()
    with refused(env, UserError, "already checked out at 09:50"):
        as_user(s.visit, s.alice).action_check_out()
    as_user(s.other_visit, s.alice).action_missed("Shop closed")
    with refused(env, UserError, "recorded as not done"):
        as_user(s.other_visit, s.alice).action_check_in(*NEAR)


def test_the_salesperson_cannot_clear_her_flag(s):
    check_in(s, s.visit, "2026-03-10 00:25:00", NEAR)
    assert s.visit.check_in_flagged
    # The flag alone, stored and computed, is the server's too.
    with refused(s.env, UserError, "checked in and out with its buttons only"):
        as_user(s.visit, s.alice).write({"check_in_flagged": False})
    invalidate(s.visit)
    assert s.visit.check_in_flagged


def test_a_checked_in_visit_keeps_its_customer_and_planned_times(s):
    """The distance and the flags were measured against them."""
    env = s.env
    visit = as_user(s.visit, s.alice)
    visit.write({"partner_id": s.shop_y.id, "planned_start": "%s 01:30:00" % DAY})
    visit.write({"partner_id": s.shop_x.id, "planned_start": "%s 01:00:00" % DAY})
    check_in(s, s.visit, "2026-03-10 01:05:00", NEAR)
    lead = env["crm.lead"].create({"name": "Green tea for Shop X", "partner_id": s.shop_x.id,
                                   "user_id": s.alice.id})
    for values in ({"partner_id": s.shop_y.id}, {"lead_id": lead.id},
                   {"planned_start": "%s 00:30:00" % DAY},
                   {"planned_stop": "%s 03:00:00" % DAY}, {"start_time": 8.0}):
        with refused(env, UserError, "Shop X is checked in: its customer, lead and planned "
                                     "times no longer change"):
            visit.write(values)
    invalidate(s.visit)
    assert (s.visit.partner_id, str(s.visit.planned_start), str(s.visit.planned_stop)) == \
        (s.shop_x, "2026-03-10 01:00:00", "2026-03-10 02:00:00")
    # The same values, and the visit's results, still write.
    visit.write({"partner_id": s.shop_x.id, "planned_start": "%s 01:00:00" % DAY,
                 "outcome": "Ordered tea"})
    assert s.visit.outcome == "Ordered tea"


def test_only_a_supervisor_moves_a_customers_coordinates(s):
    env = s.env
    with refused(env, UserError, "Only a sales supervisor or director can change the "
                                 "coordinates of Shop X"):
        as_user(s.shop_x, s.alice).write({"partner_latitude": 31.0})
    with refused(env, UserError, "coordinates of Shop X"):
        as_user(s.shop_x, s.alice).write({"partner_longitude": 121.0})
    invalidate(s.shop_x)
    assert (s.shop_x.partner_latitude, s.shop_x.partner_longitude) == WEST_LAKE
    # The rest of the customer, and the same coordinates, she still writes.
    as_user(s.shop_x, s.alice).write({"phone": "+86 571 1234", "partner_latitude": WEST_LAKE[0]})
    assert as_user(s.shop_x, s.alice).sales_coordinates_locked
    for user in (s.sup_north, s.director):
        assert not as_user(s.shop_x, user).sales_coordinates_locked
    as_user(s.shop_x, s.sup_north).write({"partner_latitude": 30.2432})
    as_user(s.shop_x, s.director).write({"partner_longitude": 120.1504})
    # A geocoding as the superuser (base_geolocalize, the demo) may.
    s.shop_x.sudo().write({"partner_latitude": WEST_LAKE[0], "partner_longitude": WEST_LAKE[1]})
    invalidate(s.shop_x)
    assert (s.shop_x.partner_latitude, s.shop_x.partner_longitude) == WEST_LAKE


def test_a_check_in_on_another_day_says_its_date(s):
    check_in(s, s.visit, "2026-03-11 00:25:00", NEAR)
    assert s.visit.check_in_off_time
    assert s.visit.check_in_flag_reason == \
        "checked in at 2026-03-11 08:25, planned 09:00-10:00"


def test_extreme_times_and_settings_do_not_break_the_check_in(s):
    from odoo.exceptions import ValidationError

    env = s.env
    for values in ({"sales_check_in_tolerance": 1441}, {"sales_check_in_tolerance": -1},
                   {"sales_check_in_distance": 100001}, {"sales_check_in_distance": 0}):
        with refused(env, ValidationError, "from 1 metre to 100 km"):
            s.company.write(values)
            flush(env)
    s.company.write({"sales_check_in_tolerance": 1440, "sales_check_in_distance": 100000})
    # A visit planned to the end of the calendar, a tolerance stored before
    # the limit: the check-in is measured, not a server error.
    s.alice.tz = "UTC"
    flush(env)
    env.cr.execute("UPDATE sales_visit SET planned_stop = '9999-12-31 23:59:59' WHERE id = %s",
                   [s.other_visit.id])
    env.cr.execute("UPDATE res_company SET sales_check_in_tolerance = 2000000000 WHERE id = %s",
                   [s.company.id])
    invalidate(s.company)
    invalidate(s.other_visit)
    check_in(s, s.other_visit, "2026-03-10 03:05:00", NEAR)
    assert s.other_visit.check_in_at and not s.other_visit.check_in_off_time
    check_in(s, s.visit, "2026-03-12 01:05:00", NEAR)
    assert s.visit.check_in_off_time  # the tolerance counts as a day at most
    assert s.visit.check_in_flag_reason == \
        "checked in at 2026-03-12 01:05, planned 01:00-02:00"


def test_on_a_plan_waiting_for_approval_and_by_a_director(s):
    """The salesperson is on the road before the supervisor approves the plan:
    a plan waiting for approval takes check-ins, as it takes the results."""
    as_user(s.plan, s.alice).action_submit()
    check_in(s, s.visit, "2026-03-10 01:05:00", NEAR)
    assert s.visit.check_in_at and not s.visit.check_in_flagged
    as_user(s.plan, s.sup_north).action_approve()
    check_in(s, s.other_visit, "2026-03-10 03:05:00", NEAR, user=s.director)
    assert s.other_visit.check_in_at


def test_the_map_link_of_the_deployment(s):
    check_in(s, s.visit, "2026-03-10 01:05:00", NEAR)
    assert not s.visit.check_in_map_url
    s.company.sales_map_url = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}"
    invalidate(s.visit)
    assert s.visit.check_in_map_url == \
        "https://www.openstreetmap.org/?mlat=30.2441000&mlon=120.1503000"
    # The form's button (its label translatable, as a link's text is not) opens it.
    assert s.visit.action_open_check_in_map() == {
        "type": "ir.actions.act_url", "target": "new", "url": s.visit.check_in_map_url}
    from odoo.exceptions import ValidationError

    with refused(s.env, ValidationError, "holds {lat} and {lon}"):
        s.company.sales_map_url = "https://maps.example.com/?q={lat}"
        flush(s.env)


def test_the_supervisor_sees_the_flags_in_the_efficiency_analysis(s):
    check_in(s, s.visit, "2026-03-10 01:05:00", NEAR)
    check_in(s, s.other_visit, "2026-03-10 03:05:00")  # without location
    flush(s.env)
    report = as_user(s.env["sales.efficiency.report"], s.sup_north)
    groups = report.read_group([("user_id", "=", s.alice.id), ("date", "=", DAY)],
                               ["user_id", "visit_planned", "visit_checked_in", "visit_flagged"],
                               ["user_id"])
    assert [(g["visit_planned"], g["visit_checked_in"], g["visit_flagged"])
            for g in groups] == [(2, 2, 1)]
    flagged = as_user(s.env["sales.visit"], s.sup_north).search(
        [("check_in_flagged", "=", True)])
    assert flagged == s.other_visit


def test_the_demo_story_checks_its_visits_in(s):
    """The demo's check-ins (``sales.demo.story._check_ins``), on a visit done
    to a customer of Hangzhou without coordinates yet."""
    s.shop_y.city = "Hangzhou"
    as_user(s.other_visit, s.alice).action_done()
    s.env["sales.demo.story"]._check_ins()
    invalidate(s.shop_y)
    invalidate(s.other_visit)
    shop, visit = s.shop_y, s.other_visit
    assert geo.haversine(shop.partner_latitude, shop.partner_longitude,
                         30.2741, 120.1551) <= 3001
    assert visit.check_in_at and visit.check_out_at > visit.check_in_at
    assert visit.check_in_flagged == (not visit.check_in_located or visit.check_in_far
                                      or visit.check_in_off_time)
    if visit.check_in_located:
        assert visit.check_in_distance == pytest.approx(geo.haversine(
            visit.check_in_latitude, visit.check_in_longitude,
            shop.partner_latitude, shop.partner_longitude), abs=1)
    assert not s.visit.check_in_at  # not done: not checked in
