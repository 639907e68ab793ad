"""Working days, target periods, weeks and local times."""

from datetime import date, datetime, time, timedelta

import pytz

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
WEEKEND = (5, 6)  # Saturday and Sunday (date.weekday())


def as_date(value):
    """A ``datetime.date`` from a date, a datetime or an ISO text ("2026-03-10"):
    Odoo 11 reads dates as text, Odoo 18 as dates."""
    if value is None or value is False:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date(int(value[:4]), int(value[5:7]), int(value[8:10]))


def is_working_day(day):
    """Monday to Friday (holidays are not read)."""
    return day.weekday() not in WEEKEND


def working_days(start, end):
    """Number of Monday-to-Friday days from ``start`` to ``end`` inclusive."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if is_working_day(start + timedelta(days=weeks * 7 + offset)):
            count += 1
    return count


def elapsed_share(start, end, today):
    """Working days of [start, end] elapsed by ``today`` (inclusive) over the
    working days of the period, as a percentage; 0 for an empty period."""
    total = working_days(start, end)
    if not total:
        return 0.0
    return 100.0 * working_days(start, min(today, end)) / total


def day_share(amount, start, end, day):
    """The share of ``amount`` (a target of the period [start, end]) that falls
    on ``day``: the amount over the period's working days on a working day,
    nothing on a weekend."""
    if not is_working_day(day):
        return 0.0
    return amount / (working_days(start, end) or 1)


def overlap_share(amount, start, end, from_day, to_day):
    """The share of ``amount`` (a target of [start, end]) that falls on the
    working days of [from_day, to_day]."""
    overlap = working_days(max(start, from_day), min(end, to_day))
    return amount * overlap / (working_days(start, end) or 1)


def months_between(start, end):
    """Calendar months from the month of ``start`` to the month of ``end``, inclusive."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def add_months(day, months):
    """``day`` moved by ``months`` calendar months; a day that the month does
    not have becomes its last day (31 January + 1 month: 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _month_length(year, month)))


def _month_length(year, month):
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def period_type(start, end):
    """'month', 'quarter' or 'year' when [start, end] is one whole such
    period starting on the first of a month, else None."""
    if start.day != 1 or (end + timedelta(days=1)).day != 1:
        return None
    months = months_between(start, end)
    for name, length in PERIOD_MONTHS.items():
        if months == length:
            if name == "quarter" and start.month % 3 != 1:
                return None
            return name
    return None


def period_bounds(start, kind):
    """First and last day of the period of ``kind`` starting at ``start``."""
    return start, add_months(start, PERIOD_MONTHS[kind]) - timedelta(days=1)


def sub_periods(start, end, kind):
    """The periods of ``kind`` that tile [start, end]."""
    periods = []
    current = start
    while current <= end:
        periods.append(period_bounds(current, kind))
        current = periods[-1][1] + timedelta(days=1)
    return periods


def period_label(start, kind):
    """'2026', '2026 Q2' or '2026-04'."""
    if kind == "year":
        return "%s" % start.year
    if kind == "quarter":
        return "%s Q%s" % (start.year, (start.month - 1) // 3 + 1)
    return start.strftime("%Y-%m")


def week_start(day):
    """The Monday of the ISO week of ``day``."""
    return day - timedelta(days=day.weekday())


def previous_week_start(day):
    """The Monday of the ISO week before the one of ``day``."""
    return week_start(day) - timedelta(days=7)


def iso_week_label(monday):
    """'2026-W07' for the ISO week that starts on ``monday``."""
    year, week, _weekday = monday.isocalendar()
    return "%d-W%02d" % (year, week)


def timezone(name):
    """The pytz time zone called ``name``; UTC when empty or unknown."""
    try:
        return pytz.timezone(name or "UTC")
    except pytz.UnknownTimeZoneError:
        return pytz.utc


def local_to_utc(tz_name, day, hours):
    """Naive UTC datetime of ``hours`` (e.g. 21.5 for 21:30) on the local
    ``day`` in the time zone ``tz_name``."""
    local = datetime.combine(day, time()) + timedelta(hours=hours)
    zone = timezone(tz_name)
    return zone.localize(local).astimezone(pytz.utc).replace(tzinfo=None)


def utc_to_local(tz_name, moment):
    """The local naive datetime in ``tz_name`` of the naive UTC ``moment``."""
    return pytz.utc.localize(moment).astimezone(timezone(tz_name)).replace(tzinfo=None)


def local_hours(tz_name, moment):
    """The local time of day in ``tz_name`` of the naive UTC ``moment``, in
    hours (9.5 for 09:30), as Odoo's ``float_time`` widget shows it."""
    local = utc_to_local(tz_name, moment)
    return local.hour + local.minute / 60.0


def local_date(tz_name, moment):
    """The local date in ``tz_name`` of the naive UTC ``moment``."""
    return utc_to_local(tz_name, moment).date()


def local_today(tz_name, now=None):
    """Today's date in ``tz_name`` (``now``: a naive UTC datetime, default now)."""
    return local_date(tz_name, now or datetime.utcnow())


def local_day_bounds(tz_name, first_day, last_day=None):
    """(first UTC instant, first UTC instant after) of the local days from
    ``first_day`` to ``last_day`` (default the same day)."""
    return (local_to_utc(tz_name, first_day, 0),
            local_to_utc(tz_name, last_day or first_day, 24))


def hours_late(submitted, deadline):
    """Hours from ``deadline`` to ``submitted`` (naive UTC), 0 when on time."""
    if not (submitted and deadline):
        return 0.0
    return max((submitted - deadline).total_seconds() / 3600.0, 0.0)
