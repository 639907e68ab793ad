from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .orm_tools import check_company, check_input, check_not_blank

MARKET_KINDS = [
    ("consumer_feedback", "Consumer Feedback on a Product"),
    ("competitor_promotion", "Competitor Promotion"),
    ("competitor_product", "Competitor New Product"),
    ("distributor_complaint", "Distributor Complaint"),
    ("personnel_change", "Personnel Change at a Customer"),
    ("customer_complaint", "Customer Complaint"),
    ("other", "Other"),
]
SEVERITIES = [("normal", "Normal"), ("serious", "Serious"), ("critical", "Critical")]
MARKET_STATES = [
    ("new", "New"),
    ("acknowledged", "Acknowledged"),
    ("in_progress", "In Progress"),
    ("resolved", "Resolved"),
    ("cancelled", "Cancelled"),
]
# Escalation levels: who has been told.
LEVELS = [("0", "Not Escalated"), ("1", "Supervisor"), ("2", "Sales Director")]
COMPLAINT_KINDS = ("distributor_complaint", "customer_complaint")


class SalesMarketReport(models.Model):
    """A market situation report (市场状况反映表) or a customer complaint report
    (客户投诉处理报告表), R7: what a salesperson learnt in the market that is
    serious enough to affect sales, escalated to the superiors.

    Escalation goes up two levels: the supervisor (level 1), then the sales
    director (level 2).  A new report goes to the supervisor at once; a
    serious or critical one to the supervisor and the director at once.  A
    report nobody acknowledged climbs one level after the company's
    escalation delay (scheduled action).  Each level is told once, with a
    message and an activity.
    """

    _name = "sales.market.report"
    _description = "Market Situation Report"
    _inherit = ["sales.activity.mixin", "sales.workflow.mixin"]
    _order = "date desc, id desc"
    # Written by the workflow buttons and the escalation only.
    _workflow_fields = frozenset({"state", "escalation_level", "escalated_at",
                                  "acknowledged_at", "acknowledged_by_id", "resolved_at"})

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    title = fields.Char(required=True, tracking=True)
    kind = fields.Selection(MARKET_KINDS, required=True, default="competitor_promotion",
                            tracking=True)
    is_complaint = fields.Boolean(compute="_compute_is_complaint", store=True)
    severity = fields.Selection(SEVERITIES, required=True, default="normal",
                                tracking=True)
    state = fields.Selection(MARKET_STATES, default="new", required=True, readonly=True,
                             copy=False, index=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    reporter_id = fields.Many2one("res.users", string="Reported by", required=True,
                                  readonly=True, default=lambda self: self.env.user,
                                  index=True)
    user_id = fields.Many2one("res.users", string="Owner", required=True, index=True,
                              default=lambda self: self.env.user, tracking=True,
                              help="Who follows the report up until it is resolved.")
    team_id = fields.Many2one("crm.team", index=True,
                              default=lambda self: self.env.user.sale_team_id)
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer or Distributor", index=True)
    competitor_id = fields.Many2one("res.partner", index=True,
                                    domain="[('is_competitor', '=', True)]")
    product_id = fields.Many2one("product.product")
    description = fields.Text(required=True)
    attachment_ids = fields.Many2many("ir.attachment", "sales_market_report_attachment_rel",
                                      "report_id", "attachment_id", string="Photos",
                                      help="Photos and documents of what was seen.")
    resolution = fields.Text(tracking=True)
    daily_report_id = fields.Many2one("sales.daily.report",
                                      ondelete="set null", index=True)
    escalation_level = fields.Selection(LEVELS, default="0", required=True, readonly=True,
                                        copy=False, tracking=True)
    escalated_at = fields.Datetime(readonly=True, copy=False,
                                   help="When the report reached its current level.")
    acknowledged_at = fields.Datetime(readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    resolved_at = fields.Datetime(readonly=True, copy=False)

    @api.depends("kind")
    def _compute_is_complaint(self):
        for report in self:
            report.is_complaint = report.kind in COMPLAINT_KINDS

    @api.constrains("title", "description")
    def _check_text(self):
        check_not_blank(self, ["title", "description"])

    def _document_label(self):
        return self.env._("market report")

    # ------------------------------------------------------------------ people

    def _supervisor(self):
        """The reporter's approver, else the leader of the report's team."""
        self.ensure_one()
        supervisor = self.reporter_id._sales_approver() or self.team_id.user_id
        return supervisor if supervisor != self.reporter_id else self.env["res.users"]

    def _level_users(self, level):
        return self._supervisor() if level == 1 else self.company_id._sales_directors()

    def _may_handle(self):
        """The supervisor of the report's team, a director, or the owner."""
        self.ensure_one()
        user = self.env.user
        if user._is_sales_director():
            return True
        return user in (self._supervisor() | self.team_id.user_id)

    # ----------------------------------------------------------- create/write

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input(self, vals)
            check_company(self, vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("sales.market.report") or "/"
        reports = super(SalesMarketReport, self.with_context(
            mail_create_nosubscribe=True)).create(vals_list)
        reports._escalate_at_once()
        return reports

    def write(self, vals):
        check_input(self, vals)
        check_company(self, vals)
        result = super().write(vals)
        if "severity" in vals:
            self._escalate_at_once()
        return result

    def _escalate_at_once(self):
        """A new report goes to the supervisor; a serious or critical one to
        the supervisor and the director."""
        for report in self.filtered(lambda r: r.state in ("new", "acknowledged",
                                                            "in_progress")):
            target = 2 if report.severity in ("serious", "critical") else 1
            report._escalate_to(target)

    def _severity_label(self):
        """The severity as the selection shows it, in the context's language."""
        return dict(self._fields["severity"]._description_selection(self.env))[self.severity]

    def _text_escalated(self, users):
        return self.env._("%(severity)s market report escalated to %(people)s: %(title)s",
                          severity=self._severity_label(),
                          people=", ".join(users.mapped("name")), title=self.title)

    def _escalate_to(self, target):
        """Tell each level above the current one up to ``target``, once each."""
        self.ensure_one()
        current = int(self.escalation_level)
        if target <= current:
            return
        for level in range(current + 1, target + 1):
            users = self._level_users(level)
            if not users:
                continue
            # sudo: the reporter tells superiors whose partners and activities the
            # record rules do not give them.
            self.sudo()._sales_post(
                users, lambda record, users=users: record._text_escalated(users),
                author_id=self.env.user.partner_id.id, subtype_xmlid="mail.mt_comment")
            self._sales_schedule(
                users, lambda record: record.env._(
                    "%(severity)s: %(title)s", severity=record._severity_label(),
                    title=record.title),
                activity_type="sales_process_mgmt.mail_activity_type_market_report")
        self._workflow_write({"escalation_level": str(target),
                           "escalated_at": fields.Datetime.now()})

    @api.model
    def _cron_escalate(self):
        """Climb one level for each report still new (unacknowledged) for longer
        than its company's escalation delay since it reached its level."""
        now = fields.Datetime.now()
        waiting = self.search([("state", "=", "new"), ("escalation_level", "!=", "2")])
        climbed = self.browse()
        for report in waiting:
            delay = timedelta(hours=report.company_id.sales_escalation_hours)
            since = report.escalated_at or report.create_date
            if since + delay <= now:
                report._escalate_to(int(report.escalation_level) + 1)
                climbed |= report
        return climbed

    # ---------------------------------------------------------------- workflow

    def _check_may_handle(self):
        for report in self:
            if not report._may_handle():
                raise AccessError(
                    self.env._(
                        "%(report)s belongs to the team %(team)s: only its supervisor or a sales "
                        "director can acknowledge or handle it.",
                        report=report.name, team=report.team_id.name or "-"))

    def _close_market_activities(self):
        self._sales_close(self.env._("Handled by %s", self.env.user.name),
                          "sales_process_mgmt.mail_activity_type_market_report")

    def action_acknowledge(self):
        for report in self:
            if report.state != "new":
                raise UserError(self.env._("%s has already been acknowledged.", report.name))
        self._check_may_handle()
        self._workflow_write({"state": "acknowledged", "acknowledged_at": fields.Datetime.now(),
                           "acknowledged_by_id": self.env.uid})
        self._close_market_activities()
        return True

    def action_start(self):
        if self.filtered(lambda r: r.state not in ("new", "acknowledged")):
            raise UserError(self.env._("Only a new or acknowledged report can be put in progress."))
        self._check_may_handle_or_own()
        values = {"state": "in_progress"}
        for report in self.filtered(lambda r: r.state == "new"):
            report._workflow_write(dict(values, acknowledged_at=fields.Datetime.now(),
                                     acknowledged_by_id=self.env.uid))
        self._workflow_write(values)
        self._close_market_activities()
        return True

    def _check_may_handle_or_own(self):
        for report in self:
            if report.user_id != self.env.user:
                report._check_may_handle()

    def action_resolve(self):
        for report in self:
            if report.state in ("resolved", "cancelled"):
                raise UserError(self.env._("%s is already closed.", report.name))
            if not (report.resolution or "").strip():
                raise UserError(self.env._("Write the resolution of %s before resolving it: what "
                                           "was done and what the customer was told.", report.name))
        self._check_may_handle_or_own()
        self._workflow_write({"state": "resolved", "resolved_at": fields.Datetime.now()})
        self._close_market_activities()
        return True

    def action_cancel(self):
        if self.filtered(lambda r: r.state == "resolved"):
            raise UserError(self.env._("A resolved report cannot be cancelled."))
        self._check_may_handle_or_own()
        self._workflow_write({"state": "cancelled"})
        self._close_market_activities()
        return True

    def action_reopen(self):
        self._check_may_handle()
        self._workflow_write({"state": "in_progress", "resolved_at": False})
        return True
