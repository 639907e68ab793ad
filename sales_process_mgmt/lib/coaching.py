"""Whom a supervisor should coach (指导、纠正和帮助): the rules, on figures
read by the caller."""

from .dates import add_months


def pace(achievement, expected):
    """Achievement as a percentage of the achievement expected by the day
    (100: on pace); None when nothing is expected yet."""
    if not expected:
        return None
    return 100.0 * achievement / expected


def coaching_reason(figures, thresholds, day):
    """The first reason to coach a salesperson, or None.

    ``figures``: ``achievement`` and ``expected`` (% of the monthly sales
    target, or None without a target), ``visits_done`` and ``effective_rate``
    (the last 30 days), ``joined`` (date).  ``thresholds``: ``pace`` (%),
    ``efficiency`` (%), ``new_months``.

    In this order: below target pace (the pace under the threshold), low
    efficiency (visits were done and the effective rate is under the
    threshold), new (joined less than ``new_months`` months before ``day``).
    Returns (reason, facts) where facts are the figures the reason quotes.
    """
    expected = figures.get("expected")
    if expected is not None:
        current = pace(figures.get("achievement") or 0.0, expected)
        if current is not None and current < thresholds["pace"]:
            return "low_achievement", {"achieved": figures.get("achievement") or 0.0,
                                       "expected": expected}
    visits = figures.get("visits_done") or 0
    if visits and (figures.get("effective_rate") or 0.0) < thresholds["efficiency"]:
        return "low_efficiency", {"rate": figures.get("effective_rate") or 0.0,
                                  "visits": visits}
    joined = figures.get("joined")
    if joined and joined > add_months(day, -thresholds["new_months"]):
        return "new_salesperson", {"joined": joined}
    return None
