"""Targets: their metrics and levels, and their status against the share of
the period elapsed."""

METRICS = [
    ("sales", "Sales Amount"),
    ("margin", "Gross Margin"),
    ("new_customers", "New Customers"),
    ("collections", "Collections"),
]
METRIC_KEYS = [metric for metric, _label in METRICS]
# Metrics that can be set per product category.
CATEGORY_METRICS = ("sales", "margin")
STATUSES = [
    ("not_started", "Not Started"),
    ("on_track", "On Track"),
    ("behind", "Behind"),
    ("at_risk", "At Risk"),
]
PERIOD_TYPES = [("year", "Year"), ("quarter", "Quarter"), ("month", "Month")]
OWNER_TYPES = [("company", "Company"), ("team", "Team"), ("salesperson", "Salesperson"),
               ("distributor", "Distributor")]
# The keys of a target's owner; an empty key means "any".
OWNER_KEYS = ("team_id", "user_id", "partner_id", "categ_id")


def target_status(started, target, achievement, expected, threshold):
    """'not_started', 'on_track', 'behind' or 'at_risk'.

    * not started: the period has not begun;
    * on track: no target, or the achievement (%) reaches the expected share
      of the period (%);
    * behind: below the expected share, but within ``threshold`` % of it;
    * at risk: achievement < expected × (1 - threshold / 100).
    """
    if not started:
        return "not_started"
    if not target or achievement >= expected:
        return "on_track"
    floor = expected * (1 - threshold / 100.0)
    return "behind" if achievement >= floor else "at_risk"


def uses_pipeline(metric, categ_id):
    """Whether the projection of a target line adds the weighted pipeline:
    sales targets not set for a product category (an opportunity has no
    product); the others project their run rate."""
    return metric == "sales" and not categ_id


def projection(actual, expected, pipeline=None):
    """The projected period-end figure of a target line.

    * with the weighted pipeline (``pipeline`` not None, see
      ``uses_pipeline``): actual + pipeline of the open opportunities
      expected to close in the period;
    * else the run rate: actual / share of the period elapsed (``expected``,
      % of its working days) × 100; the actual itself when no working day
      has begun yet (nothing to extrapolate from) or the period is over.
    """
    if pipeline is not None:
        return actual + pipeline
    if 0 < expected < 100:
        return actual * 100.0 / expected
    return actual


def projected_status(started, target, projected_rate, expected, threshold):
    """The status of a running or past target from its projection: on track
    when the projected rate reaches 100 %, behind within ``threshold`` % of
    it, at risk below.  Before the first working day of the period (nothing
    expected yet) a started target is on track."""
    return target_status(started, target, projected_rate, 100.0 if expected else 0.0,
                         threshold)


def owner_type(team, user, distributor):
    """The level of a target from which of its keys are set."""
    if distributor:
        return "distributor"
    if user:
        return "salesperson"
    if team:
        return "team"
    return "company"


def _rank_sql(column, keys):
    """SQL: the rank (1, 2, ...) of the value of ``column`` among ``keys``."""
    return "CASE %s %s ELSE 0 END" % (column, " ".join(
        "WHEN '%s' THEN %d" % (key, rank) for rank, key in enumerate(keys, 1)))


def metric_rank_sql(alias):
    """SQL: a number for the metric of the target line ``alias``."""
    return _rank_sql("%s.metric" % alias, METRIC_KEYS)


def grain_rank_sql(alias, categ_depth):
    """SQL: a number for the grain of the target line ``alias``: its level,
    its kind of period and the depth of its product category (SQL
    ``categ_depth``, 0 without one).  Lines of the same grain never nest in
    one another (a team's line and its salespeople's, a year and its months,
    a category and its sub-categories are of different grains)."""
    return "(%s) * 10000 + (%s) * 1000 + LEAST(%s, 999)" % (
        _rank_sql("%s.owner_type" % alias, [key for key, _label in OWNER_TYPES]),
        _rank_sql("%s.period_type" % alias, [key for key, _label in PERIOD_TYPES]),
        categ_depth)


def group_figures(group):
    """The figures of a group of target analysis rows (a read_group result
    with the sums of target_amount, actual_amount and projected_amount and
    the minimum and maximum of metric and grain): all empty (False) when the
    group mixes metrics or grains, whose figures cannot be added; else the
    achievement and the projected rate as ratios of the sums, actual (or
    projected) / target × 100 (0 without a target)."""
    mixed = (group.get("metric_min") != group.get("metric_max")
             or group.get("grain_min") != group.get("grain_max"))
    if mixed:
        return dict.fromkeys(("target_amount", "actual_amount", "gap_amount", "amount",
                              "achievement_rate", "projected_amount", "projected_rate"),
                             False)
    target = group.get("target_amount") or 0.0
    actual = group.get("actual_amount") or 0.0
    projected = group.get("projected_amount") or 0.0
    return {"achievement_rate": 100.0 * actual / target if target else 0.0,
            "projected_rate": 100.0 * projected / target if target else 0.0}


def _group_key(group, names):
    return tuple(tuple(value) if isinstance(value, list) else value
                 for value in (group.get(name) for name in names))


def blank_mixed_metrics(groups, by_metric, names, measures):
    """Empty (False) the ``measures`` of the read_group ``groups`` (grouped by
    ``names``) that hold targets of more than one metric, whose figures are of
    different units (amounts and numbers of customers); ``by_metric`` are the
    same groups split by metric."""
    metrics = {}
    for group in by_metric:
        metrics.setdefault(_group_key(group, names), set()).add(group.get("metric"))
    for group in groups:
        if len(metrics.get(_group_key(group, names), ())) > 1:
            for name in measures:
                if name in group:
                    group[name] = False
    return groups
