from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import dates
from ..lib.split import digits_of, split_exactly
from ..lib.targets import CATEGORY_METRICS

DIMENSIONS = [
    ("quarter", "Quarters"),
    ("month", "Months"),
    ("team", "Teams / Regions"),
    ("user", "Salespeople"),
    ("distributor", "Distributors"),
    ("categ", "Product Categories"),
]
DIMENSION_KEY = {"team": "team_id", "user": "user_id", "distributor": "partner_id",
                 "categ": "categ_id"}
FACT_KEY = {"team_id": "team_id", "user_id": "user_id", "partner_id": "distributor_id",
            "categ_id": "categ_id"}


class SalesTargetDecompose(models.TransientModel):
    """Decompose a target line into children along one dimension."""

    _name = "sales.target.decompose"
    _inherit = ["sales.input.mixin"]
    _description = "Decompose a Sales Target"

    line_id = fields.Many2one(
        comodel_name="sales.target.line",
        string="Target",
        required=True,
        ondelete="cascade",
        default=lambda self: self.env.context.get("active_id")
        if self.env.context.get("active_model") == "sales.target.line" else False,
    )
    target_amount = fields.Float(related="line_id.target_amount", readonly=True)
    metric = fields.Selection(related="line_id.metric", readonly=True)
    dimension = fields.Selection(DIMENSIONS, string="Split Into", required=True,
                                 default=lambda self: self._default_dimension())
    allowed_dimensions = fields.Char(
        string="This Target Splits Into", compute="_compute_allowed_dimensions",
        help="The dimensions along which this target can be decomposed: shorter "
             "periods than its own, the levels below its owner, product categories "
             "for sales and margin.")
    method = fields.Selection(
        selection=[("even", "Evenly"), ("weights", "By Weights"),
                   ("last_year", "By Last Year's Actuals")],
        string="Split",
        required=True,
        default="even",
        help="By last year's actuals: each part's weight is its actual of the same metric "
             "in the same period one year earlier; a part whose actual was below zero (more "
             "returns than sales, a loss) gets no share.",
    )
    line_ids = fields.One2many("sales.target.decompose.line", "wizard_id", string="Parts")

    @api.model
    def _default_dimension(self):
        line = self.env["sales.target.line"]
        if self.env.context.get("active_model") == "sales.target.line":
            line = line.browse(self.env.context.get("active_id"))
        allowed = self._dimensions_of(line)
        return allowed[0] if allowed else "month"

    @api.model
    def _dimensions_of(self, line):
        """The dimensions ``line`` can be split into, in the order of DIMENSIONS."""
        if not line:
            return []
        allowed = []
        if line.period_type == "year":
            allowed.append("quarter")
        if line.period_type in ("year", "quarter"):
            allowed.append("month")
        if not (line.team_id or line.user_id or line.partner_id):
            allowed.append("team")
        if line.team_id and not (line.user_id or line.partner_id):
            allowed.append("user")
        if not line.partner_id:
            allowed.append("distributor")
        if line.metric in CATEGORY_METRICS:
            allowed.append("categ")
        return allowed

    @api.depends("line_id")
    def _compute_allowed_dimensions(self):
        labels = dict(self._fields["dimension"].get_description(self.env)["selection"])
        for wizard in self:
            wizard.allowed_dimensions = ", ".join(
                labels[key] for key in self._dimensions_of(wizard.line_id))

    @api.onchange("line_id", "dimension", "method")
    def _onchange_propose(self):
        if not self.line_id:
            return None
        if self.dimension not in self._dimensions_of(self.line_id):
            self.line_ids = [(5, 0, 0)]
            return {"warning": {
                "title": _("Choose another dimension"),
                "message": _("%(line)s splits into: %(allowed)s.")
                % {"line": self.line_id.display_name, "allowed": self.allowed_dimensions}}}
        parts = self._propose_parts()
        if self.method == "last_year":
            # Below zero, a part's actual gives it no share: a negative weight
            # would make the others' parts larger than the target itself.
            weights = [max(weight or 0.0, 0.0) for weight in self._last_year_weights(parts)]
        else:
            weights = [1.0] * len(parts)
        self.line_ids = [(5, 0, 0)] + [
            (0, 0, dict(part, weight=weight)) for part, weight in zip(parts, weights)]
        return None

    def _propose_parts(self):
        """The children's keys along the chosen dimension (dicts of line values):
        the periods, or the teams, salespeople, distributors and categories of
        the plan's company that take part in the sales process."""
        parent = self.line_id
        company = parent.company_id
        if self.dimension in ("quarter", "month"):
            start = fields.Date.from_string(parent.date_from)
            end = fields.Date.from_string(parent.date_to)
            return [{"date_from": fields.Date.to_string(a), "date_to": fields.Date.to_string(b)}
                    for a, b in dates.sub_periods(start, end, self.dimension)]
        users = self.env["res.users"]
        if self.dimension == "team":
            salespeople = users._sales_salespeople()
            supervisors = self.env.ref("sales_process_mgmt.group_supervisor").sudo().users
            # The teams of the sales process in the plan's company: with salespeople
            # of the company, or led by one of its supervisors (a director is a
            # supervisor too, and is not enough to make a team of Odoo's one).
            directors = self.env.ref("sales_process_mgmt.group_director").sudo().users
            leaders = (supervisors - directors).filtered(lambda user: user.company_id == company)
            teams = salespeople.filtered(lambda user: user.company_id == company).mapped(
                "sale_team_id")
            records = self.env["crm.team"].search(
                [("company_id", "in", [company.id, False])]).filtered(
                lambda team: team.user_id in leaders or team in teams)
        elif self.dimension == "user":
            records = users._sales_salespeople(parent.team_id).filtered(
                lambda user: user.company_id == company).sorted("name")
        elif self.dimension == "distributor":
            records = self.env["res.partner"].search([
                ("is_distributor", "=", True), ("company_id", "in", [company.id, False])])
        else:
            records = self.env["product.category"].search(
                [("parent_id", "=", parent.categ_id.id or False)])
        return [{DIMENSION_KEY[self.dimension]: record.id} for record in records]

    def _last_year_weights(self, parts):
        """Each part's actual one year before the parent's period, from one read_group."""
        parent = self.line_id
        year_ago = relativedelta(years=1)
        start = fields.Date.from_string(parent.date_from) - year_ago
        end = fields.Date.from_string(parent.date_to) - year_ago
        domain = [("metric", "=", parent.metric), ("company_id", "=", parent.company_id.id),
                  ("date", ">=", fields.Date.to_string(start)),
                  ("date", "<=", fields.Date.to_string(end))]
        for key in ("team_id", "user_id", "partner_id"):
            if parent[key]:
                domain.append((FACT_KEY[key], "=", parent[key].id))
        if parent.categ_id:
            domain.append(("categ_id", "child_of", parent.categ_id.id))
        facts = self.env["sales.target.fact"]
        facts.check_access_rights("read")
        query = facts._where_calc(domain)
        facts._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        if self.dimension in ("quarter", "month"):
            self.env.cr.execute(
                "SELECT date_trunc('month', sales_target_fact.date)::date, "
                "SUM(sales_target_fact.amount) FROM %s WHERE %s GROUP BY 1"
                % (from_clause, where_clause or "TRUE"), params)
            by_month = {fields.Date.from_string(month): amount
                        for month, amount in self.env.cr.fetchall()}
            weights = []
            for part in parts:
                part_start = fields.Date.from_string(part["date_from"]) - year_ago
                part_end = fields.Date.from_string(part["date_to"]) - year_ago
                weights.append(sum(amount for month, amount in by_month.items()
                                   if part_start <= month <= part_end))
            return weights
        key = DIMENSION_KEY[self.dimension]
        column = FACT_KEY[key]
        self.env.cr.execute(
            "SELECT sales_target_fact.%s, SUM(sales_target_fact.amount) FROM %s WHERE %s "
            "GROUP BY 1" % (column, from_clause, where_clause or "TRUE"), params)
        amounts = dict(self.env.cr.fetchall())
        if key != "categ_id":
            return [amounts.get(part[key], 0.0) for part in parts]
        # A category's weight includes its sub-categories' actuals.
        categories = self.env["product.category"].browse([part[key] for part in parts])
        sold = self.env["product.category"].browse([c for c in amounts if c])
        return [sum(amounts[c.id] for c in sold
                    if category.parent_left <= c.parent_left <= category.parent_right)
                for category in categories]

    def _check_weights(self):
        """No part may come out negative or larger than the target: refuse a
        negative weight, and weights that are all zero."""
        negative = self.line_ids.filtered(lambda part: part.weight < 0)
        if negative:
            raise UserError(_(
                "A weight cannot be below zero (%(weight)s): a part would then be negative "
                "and the others larger than the target.")
                % {"weight": negative[0].weight})
        if not any(weight > 0 for weight in self.line_ids.mapped("weight")):
            if self.method == "last_year":
                raise UserError(_(
                    "Nothing was achieved in the same period last year to split %(line)s "
                    "by: split it evenly or by weights.")
                    % {"line": self.line_id.display_name})
            raise UserError(_("Give at least one part a weight above zero."))

    def _digits(self):
        if self.line_id.metric == "new_customers":
            return 0
        return digits_of(self.line_id.currency_id.rounding)

    def _amounts(self):
        return split_exactly(self.line_id.target_amount, self.line_ids.mapped("weight"),
                             self._digits())

    def action_apply(self):
        """Create the children (with the user's rights: a supervisor only within
        the team, by the record rules)."""
        self.ensure_one()
        if self.dimension not in self._dimensions_of(self.line_id):
            raise UserError(_("%(line)s splits into: %(allowed)s.")
                            % {"line": self.line_id.display_name,
                               "allowed": self.allowed_dimensions})
        if not self.line_ids:
            raise UserError(_("There is nothing to split the target into."))
        self._check_weights()
        parent = self.line_id
        base = {"target_id": parent.target_id.id, "parent_id": parent.id,
                "metric": parent.metric, "date_from": parent.date_from,
                "date_to": parent.date_to, "team_id": parent.team_id.id,
                "user_id": parent.user_id.id, "partner_id": parent.partner_id.id,
                "categ_id": parent.categ_id.id}
        children = self.env["sales.target.line"]
        for part, amount in zip(self.line_ids, self._amounts()):
            values = dict(base, target_amount=amount)
            values.update(part._child_values())
            if values.get("user_id") and not values.get("team_id"):
                values["team_id"] = self.env["res.users"].browse(
                    values["user_id"]).sale_team_id.id or False
            children |= children.create(values)
        action = self.env.ref("sales_process_mgmt.sales_target_line_action").read()[0]
        action["domain"] = [("id", "in", children.ids)]
        return action
