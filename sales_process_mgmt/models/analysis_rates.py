"""Rates of the analyses, computed from sums (shared by the SQL views and the
documents that show their figures)."""

# ratio field: (numerator, denominator, factor)
RATIOS = {
    "done_rate": ("visit_done", "visit_planned", 100.0),
    "effective_rate": ("visit_effective", "visit_done", 100.0),
    "orders_per_visit": ("order_count", "visit_done", 1.0),
    "sales_per_visit": ("sales_amount", "visit_done", 1.0),
    "expense_per_visit": ("expense_amount", "visit_done", 1.0),
    "expense_ratio": ("expense_amount", "sales_amount", 100.0),
    "achievement_rate": ("sales_amount", "target_amount", 100.0),
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


def read_group_with_rates(read_group, ratios, domain, fields, groupby, **kwargs):
    """``read_group`` of an analysis whose rates are computed from each group's
    sums (an average of daily rates would weigh a day of one visit like a day
    of ten): the sums the rates need are read too."""
    wanted = [name for name in ratios if name in fields]
    needed = {part for name in wanted for part in ratios[name][:2]}
    groups = read_group(domain, list(fields) + sorted(needed - set(fields)), groupby,
                        **kwargs)
    for group in groups:
        rates = add_rates(group, ratios)
        group.update({name: rates[name] for name in wanted})
    return groups


def sales_efficiency_rates(sums):
    """``sums`` of the efficiency analysis with its rates added."""
    return add_rates(sums, RATIOS)
