from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.models import PREFETCH_MAX

from ..lib import dates
from ..lib.targets import (
    CATEGORY_METRICS,
    METRICS,
    OWNER_KEYS,
    OWNER_TYPES,
    PERIOD_TYPES,
    STATUSES,
    blank_mixed_metrics,
    owner_type,
    projected_status,
    projection,
    uses_pipeline,
)
from .orm_tools import cache_values, check_input


class SalesTargetLine(models.Model):
    """One target: a metric for a period and an owner (the company, a team, a
    salesperson, a distributor), optionally for a product category.

    Lines form a tree: a line is decomposed into children along one dimension
    (period, team, salesperson, distributor, product category); a child
    refines its parent (same metric, same keys, a period inside the parent's).
    The actual comes from Odoo's records through the facts
    (``sales.target.fact``), for any number of lines in one aggregate.
    """

    _name = "sales.target.line"
    _description = "Sales Target"
    _inherit = ["sales.activity.mixin"]
    _order = "date_from, metric, team_id, user_id, partner_id, categ_id, id"

    target_id = fields.Many2one(
        comodel_name="sales.target",
        string="Plan",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="target_id.company_id", store=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="target_id.currency_id", readonly=True)
    parent_id = fields.Many2one(
        comodel_name="sales.target.line",
        string="Decomposed From",
        ondelete="cascade",
        index=True,
    )
    child_ids = fields.One2many("sales.target.line", "parent_id", string="Decomposition")
    metric = fields.Selection(METRICS, required=True, index=True)
    date_from = fields.Date(string="Period Start", required=True, index=True)
    date_to = fields.Date(string="Period End", required=True, index=True)
    period_type = fields.Selection(
        selection=PERIOD_TYPES,
        string="Period",
        compute="_compute_period_type",
        store=True,
    )
    team_id = fields.Many2one("crm.team", string="Team / Region", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Distributor",
        domain=[("is_distributor", "=", True)],
        index=True,
    )
    categ_id = fields.Many2one("product.category", string="Product Category", index=True)
    owner_type = fields.Selection(
        selection=OWNER_TYPES,
        string="Level",
        compute="_compute_owner_type",
        store=True,
    )
    target_amount = fields.Float(string="Target", digits=(16, 2), required=True)
    actual_amount = fields.Float(
        string="Actual",
        digits=(16, 2),
        compute="_compute_progress",
        help="From Odoo's records: confirmed orders, their margin, first orders of new "
             "customers, posted customer payments.",
    )
    achievement_rate = fields.Float(
        string="Achieved (%)",
        compute="_compute_progress",
        help="Actual / Target × 100.",
    )
    expected_rate = fields.Float(
        string="Expected (%)",
        compute="_compute_progress",
        help="Working days (Monday to Friday) of the period elapsed until today / working "
             "days of the period × 100.",
    )
    projected_amount = fields.Float(
        string="Projected",
        digits=(16, 2),
        compute="_compute_progress",
        help="The expected figure at the end of the period. Sales: the actual plus the open "
             "opportunities expected to close in the period, each weighted by its probability. "
             "Other metrics and sales of a product category: the actual extrapolated from the "
             "working days elapsed (run rate).",
    )
    projected_rate = fields.Float(
        string="Projected (%)",
        compute="_compute_progress",
        help="Projected / Target × 100.",
    )
    status = fields.Selection(
        selection=STATUSES,
        compute="_compute_progress",
        search="_search_status",
        help="From the projection: on track when it reaches the target, behind when it "
             "falls short by less than the plan's threshold, at risk beyond.",
    )
    behind_now = fields.Boolean(
        compute="_compute_behind_now",
        search="_search_behind_now",
        help="The period of the target is running and its status is behind or at risk "
             "(projected below the target).",
    )
    warning_date = fields.Date(
        string="Warned On",
        readonly=True,
        copy=False,
        help="When the salesperson and the supervisor were given an activity because this "
             "target fell behind; they are warned once per target.",
    )

    @api.depends("date_from", "date_to")
    def _compute_period_type(self):
        for line in self:
            line.period_type = False
            if line.date_from and line.date_to:
                line.period_type = dates.period_type(
                    fields.Date.from_string(line.date_from),
                    fields.Date.from_string(line.date_to)) or False

    @api.depends("team_id", "user_id", "partner_id")
    def _compute_owner_type(self):
        for line in self:
            line.owner_type = owner_type(line.team_id, line.user_id, line.partner_id)

    def _compute_progress(self):
        """Actual, achievement, expected share, projection and status of these
        lines: one query for the lines' plain values, one aggregate for their
        actuals (``sales.target.fact._line_actuals``) and one for their
        weighted pipeline (``_line_pipeline``), whatever their number (see
        ``_in_cache_without``)."""
        lines = self
        stored = lines.filtered(lambda line: isinstance(line.id, int))
        today = fields.Date.from_string(fields.Date.context_today(self))
        values = stored._progress_values(today)
        for line in lines - stored:  # a line being edited in a form
            values[line.id] = line._progress_of(
                fields.Date.from_string(line.date_from) if line.date_from else None,
                fields.Date.from_string(line.date_to) if line.date_to else None,
                line.target_amount, line.target_id.warning_threshold, 0.0, today,
                pipeline=0.0 if uses_pipeline(line.metric, line.categ_id) else None)
        for name in ("actual_amount", "achievement_rate", "expected_rate",
                     "projected_amount", "projected_rate", "status"):
            cache_values(lines, name, [values[line.id][name] for line in lines])

    def _in_cache_without(self, field, limit=PREFETCH_MAX):
        """The ORM computes a non-stored field for the records being read in
        batches of 1,000 (its prefetch size): the progress of all of them is
        computed in one go instead, one aggregate whatever their number."""
        if field.compute == "_compute_progress":
            limit = None
        return super(SalesTargetLine, self)._in_cache_without(field, limit=limit)

    def _with_status(self, statuses):
        """These lines whose status is one of ``statuses``, from one aggregate
        whatever their number (Odoo 18's ORM would hand a compute 1,000
        records at a time when iterating over more)."""
        today = fields.Date.context_today(self)
        if isinstance(today, str):
            today = fields.Date.from_string(today)
        values = self._progress_values(today)
        return self.browse([line_id for line_id in self.ids
                            if values[line_id]["status"] in statuses])

    def _progress_values(self, today):
        """{id: progress values} of these stored lines, in three queries
        (their values, their actuals, their pipeline)."""
        if not self:
            return {}
        self.env.cr.execute("""
            SELECT l.id, l.date_from, l.date_to, l.target_amount, t.warning_threshold,
                   l.metric, l.categ_id
            FROM sales_target_line l JOIN sales_target t ON t.id = l.target_id
            WHERE l.id = ANY(%s)""", (self.ids,))
        rows = self.env.cr.fetchall()
        facts = self.env["sales.target.fact"]
        actuals = facts._line_actuals(self.ids)
        pipelines = facts._line_pipeline(self.ids, today)
        expected_by_period = {}  # a plan has few distinct periods: count their days once
        values = {}
        for line_id, date_from, date_to, target, threshold, metric, categ_id in rows:
            date_from, date_to = dates.as_date(date_from), dates.as_date(date_to)
            period = (date_from, date_to)
            if period not in expected_by_period:
                expected_by_period[period] = dates.elapsed_share(date_from, date_to, today)
            values[line_id] = self._progress_of(
                date_from, date_to, target, threshold, actuals.get(line_id, 0.0), today,
                expected_by_period[period],
                pipelines.get(line_id, 0.0) if uses_pipeline(metric, categ_id) else None)
        return values

    @api.model
    def _progress_of(self, date_from, date_to, target, threshold, actual, today,
                     expected=None, pipeline=None):
        """The progress values of a line of [date_from, date_to] (dates);
        ``pipeline``: its weighted pipeline, None for a line projected by its
        run rate (``lib.targets.projection``)."""
        if expected is None:
            expected = dates.elapsed_share(date_from, date_to, today) \
                if date_from and date_to else 0.0
        achievement = 100.0 * actual / target if target else 0.0
        projected = projection(actual, expected, pipeline)
        projected_rate = 100.0 * projected / target if target else 0.0
        return {
            "actual_amount": actual,
            "achievement_rate": achievement,
            "expected_rate": expected,
            "projected_amount": projected,
            "projected_rate": projected_rate,
            "status": projected_status(bool(date_from) and date_from <= today, target,
                                       projected_rate, expected, threshold or 0.0),
        }

    def _compute_behind_now(self):
        today = fields.Date.context_today(self)
        if isinstance(today, str):
            today = fields.Date.from_string(today)
        running = self.filtered(
            lambda line: isinstance(line.id, int) and line.date_from and line.date_to
            and dates.as_date(line.date_from) <= today <= dates.as_date(line.date_to))
        behind = running._with_status(("behind", "at_risk"))
        for line in self:
            line.behind_now = line in behind

    def _search_behind_now(self, operator, value):
        """Lines of a running period that are behind or at risk: a period that
        has ended is not "behind" any more (its target was missed)."""
        if operator not in ("=", "!="):
            raise UserError(_("Unsupported search on targets behind."))
        today = fields.Date.context_today(self)
        running = self.search([("date_from", "<=", today), ("date_to", ">=", today)])
        behind = running._with_status(("behind", "at_risk"))
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", behind.ids)]

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """The groups of a list of targets, without a total target where a
        group holds several metrics (an amount and a number of customers are
        not added): one more aggregate, the same groups split by metric."""
        groups = super(SalesTargetLine, self).read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
        names = groupby[:1] if lazy else groupby
        measures = [name for name in ("target_amount",)
                    if name in {spec.split(":")[0].strip() for spec in fields}]
        if not names or not measures or "metric" in names or not groups:
            return groups
        read = [name.split(":")[0] for name in names] + ["metric"]  # Odoo 11 reads the keys
        by_metric = super(SalesTargetLine, self).read_group(
            domain, read, names + ["metric"], lazy=False)
        return blank_mixed_metrics(groups, by_metric, names, measures)

    def _search_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("Unsupported search on the target status."))
        values = [value] if isinstance(value, str) else list(value or [])
        today = fields.Date.context_today(self)
        # Only lines whose period has started can be on track, behind or at risk.
        candidates = self.search([("date_from", "<=", today)])
        matching = candidates._with_status(values)
        if "not_started" in values:
            matching |= self.search([("date_from", ">", today)])
        positive = operator in ("=", "in")
        return [("id", "in" if positive else "not in", matching.ids)]

    @api.multi
    def name_get(self):
        metrics = dict(METRICS)
        result = []
        for line in self:
            owner = (line.partner_id or line.user_id or line.team_id).display_name or _("Company")
            period = dates.period_label(fields.Date.from_string(line.date_from),
                                        line.period_type or "month")
            parts = [period, metrics.get(line.metric, ""), owner]
            if line.categ_id:
                parts.append(line.categ_id.name)
            result.append((line.id, " · ".join(parts)))
        return result

    # The constraints read with sudo: a line the user may not create is refused by
    # the record rules with an access error, not by a constraint failing to read it.
    @api.constrains("target_amount")
    def _check_target_amount(self):
        for line in self.sudo():
            if line.target_amount < 0:
                raise ValidationError(_("A target cannot be negative (%s).") % line.display_name)

    @api.constrains("date_from", "date_to", "target_id")
    def _check_period(self):
        for line in self.sudo():
            start = fields.Date.from_string(line.date_from)
            end = fields.Date.from_string(line.date_to)
            months = dates.months_between(start, end)
            if start.day != 1 or (end + timedelta(days=1)).day != 1 or \
                    months not in dates.PERIOD_MONTHS.values():
                raise ValidationError(
                    _("A target's period is a whole month, quarter or year (from the "
                      "first to the last day of a month): %(start)s to %(end)s is not.")
                    % {"start": line.date_from, "end": line.date_to})
            if not dates.period_type(start, end):
                raise ValidationError(
                    _("A quarter starts in January, April, July or October."))
        self.sudo().mapped("target_id")._check_lines_inside()

    @api.constrains("parent_id", "metric", "date_from", "date_to", "team_id", "user_id",
                    "partner_id", "categ_id")
    def _check_refines_parent(self):
        # sudo: a supervisor refines a team line whose parent, the company line,
        # the record rules hide from them; the check needs the parent all the same.
        for line in self.sudo().filtered("parent_id"):
            parent = line.parent_id
            if parent.target_id != line.target_id or parent.metric != line.metric:
                raise ValidationError(
                    _("A decomposed target keeps the plan and the metric of %s.")
                    % parent.display_name)
            if line.date_from < parent.date_from or line.date_to > parent.date_to:
                raise ValidationError(
                    _("The period of %(line)s lies outside the period of %(parent)s.")
                    % {"line": line.display_name, "parent": parent.display_name})
            for key in OWNER_KEYS:
                if parent[key] and line[key] != parent[key]:
                    raise ValidationError(
                        _("%(line)s decomposes %(parent)s and must keep its %(key)s.")
                        % {"line": line.display_name, "parent": parent.display_name,
                           "key": line._fields[key].string})
            if parent.categ_id and line.categ_id and not (
                    line.categ_id.parent_left >= parent.categ_id.parent_left
                    and line.categ_id.parent_right <= parent.categ_id.parent_right):
                raise ValidationError(
                    _("The category %(category)s is not inside %(parent)s.")
                    % {"category": line.categ_id.display_name,
                       "parent": parent.categ_id.display_name})

    @api.constrains("user_id", "team_id")
    def _check_user_in_team(self):
        for line in self.sudo().filtered(lambda line: line.user_id and line.team_id):
            team = line.team_id
            if line.user_id != team.user_id and line.user_id.sale_team_id != team:
                raise ValidationError(
                    _("%(user)s is not a member of the team %(team)s.")
                    % {"user": line.user_id.name, "team": team.name})

    @api.constrains("categ_id", "metric")
    def _check_categ_metric(self):
        for line in self.sudo().filtered("categ_id"):
            if line.metric not in CATEGORY_METRICS:
                raise ValidationError(
                    _("Only sales amount and gross margin targets can be set per product "
                      "category."))

    @api.constrains("target_id", "metric", "date_from", "date_to", "team_id", "user_id",
                    "partner_id", "categ_id")
    def _check_unique_key(self):
        """One line per plan, period, owner, product category and metric (one query)."""
        if not self.ids:
            return
        self.env.cr.execute("""
            SELECT l.id FROM sales_target_line l
            JOIN sales_target_line other
              ON other.id <> l.id AND other.target_id = l.target_id
             AND other.metric = l.metric AND other.date_from = l.date_from
             AND other.date_to = l.date_to
             AND other.team_id IS NOT DISTINCT FROM l.team_id
             AND other.user_id IS NOT DISTINCT FROM l.user_id
             AND other.partner_id IS NOT DISTINCT FROM l.partner_id
             AND other.categ_id IS NOT DISTINCT FROM l.categ_id
            WHERE l.id = ANY(%s) LIMIT 1
        """, (self.ids,))
        row = self.env.cr.fetchone()
        if row:
            raise ValidationError(
                # sudo: the existing line may be one the user's rules hide.
                _("There is already a target for %s.") % self.browse(row[0]).sudo().display_name)

    @api.constrains("target_amount", "parent_id")
    def _check_children_within_parent(self):
        """In a strict plan, the children of a line split along one dimension add up
        to at most the line (children split along other dimensions are checked apart)."""
        # sudo: the check spans the whole tree, beyond what the user's rules show.
        lines = self.sudo()
        (lines.mapped("parent_id") | lines.filtered("child_ids"))._check_strict_split()

    def _check_strict_split(self):
        for parent in self.filtered("target_id.strict"):
            totals = {}
            for child in parent.child_ids:
                dimension = child._split_dimension()
                totals[dimension] = totals.get(dimension, 0.0) + child.target_amount
            for total in totals.values():
                if total - parent.target_amount > 0.005:
                    raise ValidationError(
                        _("The targets decomposed from %(parent)s add up to %(total).2f, "
                          "more than its %(target).2f (the plan is strict).")
                        % {"parent": parent.display_name, "total": total,
                           "target": parent.target_amount})

    def _split_dimension(self):
        """Along which key this line refines its parent (period, team, ...)."""
        parent = self.parent_id
        changed = [key for key in OWNER_KEYS if self[key] != parent[key]]
        if self.date_from != parent.date_from or self.date_to != parent.date_to:
            changed.append("period")
        return tuple(changed)

    @api.model
    def create(self, values):
        check_input(self, values)
        # A decomposition creates dozens of lines: no "created" message and no
        # follower on each (mail.thread is here for the activities of the warnings).
        return super(SalesTargetLine, self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True)).create(values)

    @api.multi
    def unlink(self):
        with_children = self.filtered(lambda line: line.child_ids - self)
        if with_children:
            raise UserError(
                _("%s is decomposed into other targets: delete those first.")
                % with_children[0].display_name)
        return super(SalesTargetLine, self).unlink()

    def _supervisor(self):
        """The supervisor of this target: the leader of its team, or of its
        salesperson's team."""
        self.ensure_one()
        return self.team_id.user_id or self.user_id.sale_team_id.user_id

    @api.model
    def _cron_warn_behind(self):
        """Give the salesperson and the supervisor of each target of a running
        period that is behind or at risk an activity, once per target."""
        today = fields.Date.context_today(self)
        running = self.search([
            ("date_from", "<=", today), ("date_to", ">=", today), ("warning_date", "=", False),
        ])
        # The progress of all the lines at once, and the summaries from it: an
        # activity subscribes its user, which empties the cache, and reading a
        # line's rates afterwards would compute the progress of every line
        # again (a company's hundreds of lines, once per line).
        values = running._progress_values(fields.Date.from_string(today))
        behind = running.filtered(
            lambda line: values[line.id]["status"] in ("behind", "at_risk"))
        for line in behind:
            figures = {"projected": values[line.id]["projected_rate"],
                       "achieved": values[line.id]["achievement_rate"]}
            line._sales_schedule(
                line.user_id | line._supervisor(),
                lambda self, figures=figures: _(
                    "Behind target: projected %(projected).0f%% of target "
                    "(%(achieved).0f%% achieved)") % figures,
                activity_type="sales_process_mgmt.mail_activity_type_target_behind")
        behind.write({"warning_date": today})
        return behind
