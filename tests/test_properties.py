"""Property-based tests (hypothesis): the decomposition's rounding, rates with
zero denominators, working days, and dates at period edges and time zones."""

from datetime import date, datetime, time, timedelta

import pytz
from edition import as_text, as_user
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.addons.sales_process_mgmt.lib.dates import local_to_utc, working_days
from odoo.addons.sales_process_mgmt.lib.rates import EFFICIENCY_RATIOS as RATIOS
from odoo.addons.sales_process_mgmt.lib.rates import KPI_RATIOS, add_rates, rate
from odoo.addons.sales_process_mgmt.lib.split import split_exactly

amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
weights = st.lists(st.floats(min_value=-10, max_value=1e6, allow_nan=False,
                             allow_infinity=False), min_size=1, max_size=40)


@given(total=amounts, weights=weights, digits=st.sampled_from([0, 2]))
@settings(max_examples=300, deadline=None)
def test_split_adds_up_exactly_and_follows_the_weights(total, weights, digits):
    parts = split_exactly(total, weights, digits)
    unit = 10 ** digits
    assert len(parts) == len(weights)
    assert sum(int(round(part * unit)) for part in parts) == int(round(total * unit))
    assert all(part >= 0 for part in parts)
    positive = [max(w, 0.0) for w in weights]
    if sum(positive) > 0:
        units = int(round(total * unit))
        for part, weight in zip(parts, positive, strict=True):
            exact = units * weight / sum(positive)
            # Largest remainder: each part is its exact share rounded down or up.
            assert abs(part * unit - exact) < 1 + 1e-6 * max(1.0, exact)


@given(numerator=st.one_of(st.none(), amounts), denominator=st.one_of(st.none(), amounts))
def test_rates_never_divide_by_zero(numerator, denominator):
    value = rate(numerator, denominator)
    if not denominator:
        assert value == 0.0
    for ratios in (RATIOS, KPI_RATIOS):
        sums = {name: denominator for ratio in ratios.values() for name in ratio[:2]}
        figures = add_rates(sums, ratios)
        assert all(figures[name] == figures[name] for name in ratios)  # no NaN


@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       length=st.integers(min_value=-3, max_value=400))
def test_working_days_counts_monday_to_friday(start, length):
    end = start + timedelta(days=length)
    brute = sum(1 for n in range(length + 1)
                if (start + timedelta(days=n)).weekday() < 5) if length >= 0 else 0
    assert working_days(start, end) == brute


@given(day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
       hours=st.floats(min_value=0, max_value=24, allow_nan=False),
       zone=st.sampled_from(["Asia/Shanghai", "Asia/Taipei", "Europe/Berlin",
                             "America/New_York", "UTC"]))
def test_deadline_is_the_local_time_of_the_day(day, hours, zone):
    tz = pytz.timezone(zone)
    utc = local_to_utc(zone, day, hours)
    local = pytz.utc.localize(utc).astimezone(tz)
    expected = datetime.combine(day, time()) + timedelta(hours=hours)
    # A time that does not exist (a daylight saving gap) moves by the gap.
    assert abs((local.replace(tzinfo=None) - expected).total_seconds()) <= 3600


def test_a_report_submitted_at_2359_in_shanghai_counts_for_its_day(env):
    """Submitted at 23:59 on 10 March in Shanghai (15:59 UTC): late by 2 h 59
    against the 21:00 deadline of the 10th, not on time for the 11th."""
    from freezegun import freeze_time
    from targets_scenario import Scenario

    s = Scenario(env)
    report = as_user(env["sales.daily.report"], s.alice).create({"date": "2026-03-10"}).sudo()
    with freeze_time("2026-03-10 15:59:00"):
        as_user(report, s.alice).action_submit()
    assert report.is_late and round(report.late_hours, 4) == round(2 + 59 / 60, 4)
    # An order at 23:59 on the last day of March in Shanghai is March's.
    s.order(s.alice, s.shop_x, "2026-03-31 15:59:00", [(s.bread, 1, 10.0)])
    s.order(s.alice, s.shop_x, "2026-03-31 16:00:00", [(s.bread, 1, 7.0)])
    facts = env["sales.target.fact"].search([("metric", "=", "sales"),
                                             ("user_id", "=", s.alice.id)])
    assert sorted((as_text(fact.date), fact.amount) for fact in facts) == [
        ("2026-03-31", 10.0), ("2026-04-01", 7.0)]
