"""Rates of the analyses, computed from sums.

A rate of a group (a week, a team) is the ratio of the group's sums, never an
average or a sum of the rates of its rows: a day of one visit must not weigh
as much as a day of ten.  Each analysis declares its rates as a table
``{rate: (numerator, denominator, factor)}``; the same table gives the SQL
columns of its view and the rates its ``read_group`` computes.
"""

# The efficiency analysis (visits, orders, sales, expenses, target share).
EFFICIENCY_RATIOS = {
    "done_rate": ("visit_done", "visit_planned", 100.0),
    "effective_rate": ("visit_effective", "visit_done", 100.0),
    "orders_per_visit": ("order_count", "visit_done", 1.0),
    "sales_per_visit": ("sales_amount", "visit_done", 1.0),
    "expense_per_visit": ("expense_amount", "visit_done", 1.0),
    "expense_ratio": ("expense_amount", "sales_amount", 100.0),
    "achievement_rate": ("sales_amount", "target_amount", 100.0),
}

# The report timeliness and quality KPI.
KPI_RATIOS = {
    "submission_rate": ("reports_submitted", "reports_due", 100.0),
    "on_time_rate": ("reports_on_time", "reports_due", 100.0),
    "avg_late_hours": ("late_hours", "reports_late", 1.0),
    "avg_quality": ("quality_total", "reports_scored", 1.0),
    "first_time_rate": ("plans_first_time", "plans_approved", 100.0),
}


def rate(numerator, denominator, factor=100.0):
    """``factor`` × numerator / denominator, 0 when the denominator is 0."""
    return factor * (numerator or 0.0) / denominator if denominator else 0.0


def add_rates(sums, ratios):
    """``sums`` (summed measures of an analysis) with the ``ratios`` computed."""
    figures = dict(sums)
    for name, (numerator, denominator, factor) in ratios.items():
        figures[name] = rate(figures.get(numerator), figures.get(denominator), factor)
    return figures


def ratio_sql(numerator, denominator, factor):
    """SQL of ``factor`` × numerator / denominator, 0 when the denominator is 0
    (the arguments are column names of the analysis, never user input)."""
    return "CASE WHEN %(d)s <> 0 THEN %(f)s * %(n)s / %(d)s ELSE 0 END" % {
        "n": numerator, "d": denominator, "f": factor}


def ratio_columns(ratios, prefix=""):
    """The SQL select items of the rates of ``ratios`` over the sums of the
    relation ``prefix`` (e.g. ``"s."``)."""
    return ",\n       ".join(
        "%s AS %s" % (ratio_sql(prefix + numerator, prefix + denominator, factor), name)
        for name, (numerator, denominator, factor) in ratios.items())


def needed_sums(ratios, wanted):
    """The sums the rates ``wanted`` need."""
    return {part for name in wanted if name in ratios for part in ratios[name][:2]}
