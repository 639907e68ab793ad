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


def owner_type(team, user, distributor):
    """The level of a target from which of its keys are set."""
    if distributor:
        return "distributor"
    if user:
        return "salesperson"
    if team:
        return "team"
    return "company"
