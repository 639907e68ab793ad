"""The demo story's check-ins on site: its customers have coordinates and its
visits done were checked in, near and far (see demo/sales_demo_check_in.py)."""

from read_access import database


def test_the_visits_are_checked_in_near_and_far(demo_database):
    """The story's customers have coordinates, and its visits done were
    checked in on site: most near and on time, some far, late or without
    location, flagged for the supervisors."""
    db, _conf = demo_database
    with database(db) as env:
        visits = env["sales.visit"].search([("check_in_at", "!=", False)])
        flagged = visits.filtered("check_in_flagged")
        assert len(visits) >= 100, len(visits)
        assert visits.filtered("check_in_far") and visits.filtered("check_in_off_time")
        assert len(visits) // 20 <= len(flagged) <= len(visits) // 3, (len(flagged), len(visits))
        # A visit checked in late began then: its actual times are the check-in's
        # and the check-out's (not "done 10:00-11:00, checked in 11:40").
        late = visits.filtered(lambda visit: visit.check_in_off_time
                               and visit.check_in_at > visit.planned_stop)
        assert late
        assert [(visit.actual_start, visit.actual_stop) for visit in late] == \
            [(visit.check_in_at, visit.check_out_at) for visit in late]
        near = (visits - flagged).filtered("check_in_measured")
        assert near and max(near.mapped("check_in_distance")) <= 1000
        report = env["sales.efficiency.report"].read_group(
            [], ["visit_checked_in", "visit_flagged"], [])
        assert (report[0]["visit_checked_in"], report[0]["visit_flagged"]) == (
            len(visits), len(flagged))
