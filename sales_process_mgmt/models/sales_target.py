from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .orm_tools import check_not_blank


class SalesTarget(models.Model):
    """A target plan: the company's targets for one year and their decomposition."""

    _name = "sales.target"
    _description = "Sales Target Plan"
    _inherit = ["sales.input.mixin", "mail.thread"]
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, track_visibility="onchange")
    date_from = fields.Date(
        string="Start",
        required=True,
        default=lambda self: date(fields.Date.from_string(
            fields.Date.context_today(self)).year, 1, 1),
    )
    date_to = fields.Date(
        string="End",
        required=True,
        default=lambda self: date(fields.Date.from_string(
            fields.Date.context_today(self)).year, 12, 31),
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.user.company_id,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.user.company_id.currency_id,
        help="Amounts are in the currency of the company.",
    )
    strict = fields.Boolean(
        string="Strict Decomposition",
        default=True,
        help="When set, the children of a line, split along one dimension, may not add up "
             "to more than the line itself.",
    )
    warning_threshold = fields.Float(
        string="At Risk Below (%)",
        default=20.0,
        help="A line is 'behind' when its projection falls short of its target, and 'at "
             "risk' when it falls short by more than this percentage (projected < target × "
             "(1 - threshold / 100)).",
    )
    line_ids = fields.One2many("sales.target.line", "target_id", string="Lines")
    top_line_ids = fields.One2many(
        comodel_name="sales.target.line",
        inverse_name="target_id",
        string="Company Targets",
        domain=[("parent_id", "=", False)],
    )
    line_count = fields.Integer(compute="_compute_line_count")

    @api.depends("line_ids")
    def _compute_line_count(self):
        counts = self.env["sales.target.line"].read_group(
            [("target_id", "in", self.ids)], ["target_id"], ["target_id"])
        by_target = {count["target_id"][0]: count["target_id_count"] for count in counts}
        for target in self:
            target.line_count = by_target.get(target.id, 0)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for target in self:
            if target.date_from > target.date_to:
                raise ValidationError(_("The plan ends before it starts."))
        self._check_lines_inside()

    def _check_lines_inside(self):
        """Every line's period lies inside its plan's (one query for all plans)."""
        if not self.ids:
            return
        self.env.cr.execute("""
            SELECT l.id FROM sales_target_line l JOIN sales_target t ON t.id = l.target_id
            WHERE t.id = ANY(%s) AND (l.date_from < t.date_from OR l.date_to > t.date_to)
            LIMIT 1""", (self.ids,))
        row = self.env.cr.fetchone()
        if row:
            # sudo: the line may be one the user's rules hide; its name says which.
            line = self.env["sales.target.line"].sudo().browse(row[0])
            raise ValidationError(
                _("The period %(start)s to %(end)s lies outside the plan %(plan)s.")
                % {"start": line.date_from, "end": line.date_to, "plan": line.target_id.name})

    @api.constrains("strict")
    def _check_strict(self):
        # sudo: the whole tree of the plan, beyond what the user's rules show.
        self.sudo().filtered("strict").mapped("line_ids")._check_strict_split()

    @api.constrains("currency_id", "company_id")
    def _check_currency_id(self):
        for target in self:
            if target.currency_id != target.company_id.currency_id:
                raise ValidationError(
                    _("Targets are kept in the currency of their company (%(company)s), "
                      "not in %(currency)s.")
                    % {"company": target.company_id.currency_id.name,
                       "currency": target.currency_id.name})

    @api.constrains("warning_threshold")
    def _check_warning_threshold(self):
        for target in self:
            if not 0 <= target.warning_threshold <= 100:
                raise ValidationError(_("The 'at risk' threshold is a percentage from 0 to 100."))

    @api.constrains("name")
    def _check_name(self):
        check_not_blank(self, ["name"])

    @api.onchange("company_id")
    def _onchange_company_id(self):
        self.currency_id = self.company_id.currency_id

    def action_open_lines(self):
        self.ensure_one()
        action = self.env.ref("sales_process_mgmt.sales_target_line_action").read()[0]
        action["domain"] = [("target_id", "=", self.id)]
        action["context"] = {"default_target_id": self.id}
        return action
