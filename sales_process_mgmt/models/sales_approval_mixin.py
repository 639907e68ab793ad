from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html_escape

from odoo.addons.base.ir.ir_model import MODULE_UNINSTALL_FLAG

from ..lib import dates
from ..lib.text import is_blank
from .orm_tools import check_company, check_input

APPROVAL_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
]


class SalesApprovalMixin(models.AbstractModel):
    """A salesperson's document of one day that the supervisor approves: the
    visit plan and the daily report.

    draft → submitted → approved; a return sends it back to draft with a reason
    and keeps its contents.  The approver is the salesperson's configured
    approver or the team leader; a sales director may approve any document.
    Nobody approves their own.  The submission notifies the approver (message
    and activity), the approval or return notifies the author.  One document
    per salesperson and day (checked, and unique in the database).
    """

    _name = "sales.approval.mixin"
    _description = "Sales Document Approved by the Supervisor"
    _inherit = ["sales.activity.mixin", "sales.workflow.mixin"]
    _order = "date desc, user_id"
    # Written by the workflow methods only (submit, approve, return).
    _workflow_fields = frozenset({
        "state", "approver_id", "submitted_at", "first_submitted_at", "submit_count",
        "approved_at", "approved_by_id", "return_reason", "return_count",
    })

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, index=True,
        default=lambda self: self.env.user, readonly=True,
        states={"draft": [("readonly", False)]}, track_visibility="onchange")
    team_id = fields.Many2one(
        "crm.team", index=True, readonly=True,
        states={"draft": [("readonly", False)]},
        default=lambda self: self.env.user.sale_team_id)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True,
        default=lambda self: self.env.user.company_id)
    date = fields.Date(
        required=True, index=True, readonly=True, states={"draft": [("readonly", False)]},
        default=fields.Date.context_today)
    state = fields.Selection(
        APPROVAL_STATES, default="draft", required=True, readonly=True, copy=False,
        index=True, track_visibility="onchange")
    approver_id = fields.Many2one(
        "res.users", readonly=True, copy=False, index=True,
        help="Set when the document is submitted: the salesperson's approver, "
             "or the leader of the team.")
    submitted_at = fields.Datetime(readonly=True, copy=False)
    first_submitted_at = fields.Datetime(
        string="First Submitted", readonly=True, copy=False,
        help="When the document was submitted for the first time; timeliness is "
             "measured on it, a correction after a return does not change it.")
    submit_count = fields.Integer(string="Submissions", readonly=True, copy=False)
    approved_at = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", string="Approved by", readonly=True,
                                     copy=False)
    return_reason = fields.Text(
        string="Reason for Return", readonly=True, copy=False,
        help="Why the approver returned the document the last time.")
    return_count = fields.Integer(string="Returns", readonly=True, copy=False)
    approved_first_time = fields.Boolean(
        string="Approved on First Submission", compute="_compute_approved_first_time",
        store=True)
    can_approve = fields.Boolean(compute="_compute_can_approve")

    @api.depends("user_id", "date")
    def _compute_name(self):
        for record in self:
            record.name = "%s %s" % (record.user_id.name or "", record.date or "")

    @api.multi
    def name_get(self):
        return [(record.id, _("%(document)s of %(user)s, %(date)s") % {
            "document": record._document_title(),
            "user": record.user_id.name or "",
            "date": record.date or "",
        }) for record in self]

    def _document_title(self):
        """The kind of document, as a title ("Visit Plan"), translated."""
        return self._description

    @api.depends("state", "return_count")
    def _compute_approved_first_time(self):
        for record in self:
            record.approved_first_time = record.state == "approved" and not record.return_count

    @api.depends("state", "approver_id", "user_id")
    def _compute_can_approve(self):
        for record in self:
            record.can_approve = record.state == "submitted" and record._may_approve()

    @api.onchange("user_id")
    def _onchange_user_id_team(self):
        self.team_id = self.user_id.sale_team_id

    # ------------------------------------------------------------------ checks

    def _may_approve(self):
        """Whether the current user may approve or return this document."""
        self.ensure_one()
        user = self.env.user
        if user == self.user_id:
            return False
        return user == self.approver_id or user._is_sales_director()

    def _check_may_approve(self):
        for record in self:
            if record.state != "submitted":
                raise UserError(_("%s is not waiting for approval.") % record.display_name)
            if record.user_id == self.env.user:
                raise UserError(_("You cannot approve or return your own %s.")
                                % record._document_label())
            if not record._may_approve():
                raise AccessError(_("Only %(approver)s or a sales director can approve "
                                    "or return %(doc)s.")
                                  % {"approver": record.approver_id.name,
                                     "doc": record.display_name})

    @api.model
    def _check_own(self, user_id):
        """Refuse a document written for another salesperson, unless by a director."""
        if user_id != self.env.uid and not self.env.user._is_sales_director():
            raise AccessError(_("You can only write your own %s; a sales director may "
                                "write one for another salesperson.")
                              % self._document_label())

    @api.model
    def _check_one_per_day(self, user_id, date, exclude=None):
        """Refuse a second document of ``user_id`` for ``date``, before it is
        written (the unique constraint of the database is the last guard, for
        two requests at the same moment)."""
        # sudo: the other document of the day may be outside the user's rules.
        others = self.sudo().search([("user_id", "=", user_id), ("date", "=", date),
                                     ("id", "not in", exclude.ids if exclude else [])],
                                    limit=1)
        if others:
            raise ValidationError(
                _("%(user)s already has a %(doc)s for %(date)s: open that one.")
                % {"user": others.user_id.name, "doc": self._document_label(),
                   "date": date})

    @api.model
    def create(self, values):
        check_input(self, values)
        check_company(self, values)
        user_id = values.get("user_id", self.env.uid)
        self._check_own(user_id)
        self._check_one_per_day(user_id, values.get("date") or self._fields["date"].default(
            self))
        if "team_id" not in values:
            values["team_id"] = self.env["res.users"].browse(user_id).sale_team_id.id
        return super(SalesApprovalMixin, self.with_context(
            mail_create_nosubscribe=True)).create(values)

    @api.multi
    def write(self, values):
        check_input(self, values)
        check_company(self, values)
        if values.get("user_id"):
            self._check_own(values["user_id"])
        if "user_id" in values or "date" in values:
            for record in self:
                self._check_one_per_day(values.get("user_id", record.user_id.id),
                                        values.get("date", record.date), exclude=record)
        return super(SalesApprovalMixin, self).write(values)

    @api.multi
    def unlink(self):
        # Uninstalling the addon deletes its demo documents whatever their state.
        uninstalling = self.env.context.get(MODULE_UNINSTALL_FLAG)
        if not uninstalling and self.filtered(lambda record: record.state != "draft"):
            raise UserError(_("Only a draft %s can be deleted.") % self._document_label())
        return super(SalesApprovalMixin, self).unlink()

    # ---------------------------------------------------------------- workflow

    def _check_before_submit(self):
        """Hook: refuse the submission of an incomplete document."""

    def _after_submit(self):
        """Hook: freeze what the submission freezes."""

    def _before_approve(self):
        """Hook: refuse an approval that misses something."""

    @api.multi
    def action_submit(self):
        for record in self:
            if record.state != "draft":
                raise UserError(_("%s has already been submitted.") % record.display_name)
            if record.user_id != self.env.user and not self.env.user._is_sales_director():
                raise AccessError(_("Only %s can submit this document.")
                                  % record.user_id.name)
            approver = record.user_id._sales_approver()
            if not approver:
                raise UserError(
                    _("Nobody approves the documents of %s: set a leader on the sales "
                      "team or an approver on the salesperson.") % record.user_id.name)
            record._check_before_submit()
            now = fields.Datetime.now()
            record._workflow_write({
                "state": "submitted",
                "approver_id": approver.id,
                "submitted_at": now,
                "first_submitted_at": record.first_submitted_at or now,
                "submit_count": record.submit_count + 1,
            })
            record._after_submit()
            for_approver = record._sales_for(approver)
            # sudo: the author may not read the approver's partner through the rules.
            record.message_post(
                body=html_escape(for_approver._text_submitted(approver)),
                partner_ids=[approver.sudo().partner_id.id],
                subtype="mail.mt_comment")
            record._sales_schedule(approver, for_approver._text_to_approve())
        return True

    # The texts of the workflow's messages and activities, in the language of
    # the records' context: call them on ``_sales_for(reader)``.

    def _text_submitted(self, approver):
        return _("%(document)s submitted for approval to %(approver)s.") % {
            "document": self.display_name, "approver": approver.name}

    def _text_to_approve(self):
        return _("Approve %s") % self.display_name

    def _text_approved(self):
        return _("%(document)s approved by %(user)s.") % {
            "document": self.display_name, "user": self.env.user.name}

    def _text_returned(self, reason):
        return _("%(document)s returned by %(user)s: %(reason)s") % {
            "document": self.display_name, "user": self.env.user.name, "reason": reason}

    def _notify_approval(self):
        """Tell the author that this document is approved.  Hook: a plan's
        approval is the expected course of the day and only noted on the
        plan (a salesperson approved every day is not flooded); a daily
        report's tells the score and the comment."""
        self.message_post(body=html_escape(self._sales_for(self.user_id)._text_approved()),
                          subtype="mail.mt_note")

    @api.multi
    def action_approve(self):
        self._check_may_approve()
        for record in self:
            record._before_approve()
            record._workflow_write({
                "state": "approved",
                "approved_at": fields.Datetime.now(),
                "approved_by_id": self.env.uid,
            })
            record._sales_close(_("Done: %s") % self.env.user.name,
                                "mail.mail_activity_data_todo")
            record._notify_approval()
        return True

    @api.multi
    def action_return(self, reason):
        if is_blank(reason):
            raise UserError(_("Say why the document is returned."))
        self._check_may_approve()
        for record in self:
            record._workflow_write({
                "state": "draft",
                "return_reason": reason,
                "return_count": record.return_count + 1,
            })
            record._sales_close(_("Done: %s") % self.env.user.name,
                                "mail.mail_activity_data_todo")
            # sudo: the approver may not read the author's partner through the rules.
            record.message_post(
                body=html_escape(record._sales_for(record.user_id)._text_returned(reason)),
                partner_ids=[record.user_id.sudo().partner_id.id],
                subtype="mail.mt_comment")
        return True

    @api.multi
    def action_open_return_wizard(self):
        self._check_may_approve()
        return {
            "type": "ir.actions.act_window",
            "name": _("Return"),
            "res_model": "sales.return.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    # ------------------------------------------------------------------ helpers

    def _tz_name(self):
        """The time zone of the document: its salesperson's."""
        self.ensure_one()
        return self.user_id._sales_tz_name(self.company_id)

    def _local_to_utc(self, day, hours):
        """UTC datetime (as Odoo stores it) of ``hours`` on the local ``day``."""
        return fields.Datetime.to_string(dates.local_to_utc(
            self._tz_name(), fields.Date.from_string(day), hours))

    def _local_today(self):
        return fields.Date.to_string(dates.local_today(self._tz_name()))
