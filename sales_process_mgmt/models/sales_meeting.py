from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .orm_tools import check_company, check_input, check_not_blank

MEETING_KINDS = [
    ("morning", "Morning Meeting"),
    ("evening", "Evening Meeting"),
    ("weekly", "Weekly Meeting"),
    ("other", "Other"),
]


class SalesMeeting(models.Model):
    """A sales meeting (销售会议, R10): morning, evening or weekly, with its
    attendees (present, absent or remote: a remote attendee's report is
    recorded), agenda, minutes, decisions, action items (each an activity of
    its assignee) and the coaching of the salespeople who need it."""

    _name = "sales.meeting"
    _description = "Sales Meeting"
    _inherit = ["sales.activity.mixin"]
    _order = "start desc"

    name = fields.Char(string="Subject", required=True)
    kind = fields.Selection(MEETING_KINDS, required=True, default="morning")
    team_id = fields.Many2one("crm.team", index=True,
                              default=lambda self: self.env.user.sale_team_id)
    chair_id = fields.Many2one("res.users", required=True, index=True,
                               default=lambda self: self.env.user)
    company_id = fields.Many2one("res.company", required=True,
                                 default=lambda self: self.env.user.company_id)
    start = fields.Datetime(required=True, default=fields.Datetime.now)
    stop = fields.Datetime(string="End", required=True,
                           default=lambda self: fields.Datetime.to_string(
                               fields.Datetime.from_string(fields.Datetime.now())
                               + timedelta(minutes=30)))
    state = fields.Selection([("planned", "Planned"), ("held", "Held")], default="planned",
                             required=True, readonly=True, track_visibility="onchange")
    attendee_ids = fields.One2many("sales.meeting.attendee", "meeting_id",
                                   string="Attendees", copy=True)
    agenda = fields.Text()
    minutes = fields.Text()
    decisions = fields.Text()
    action_ids = fields.One2many("sales.meeting.action", "meeting_id", string="Action Items")
    coaching_ids = fields.One2many("sales.coaching", "meeting_id")

    @api.constrains("name")
    def _check_name(self):
        check_not_blank(self, ["name"])

    @api.constrains("start", "stop")
    def _check_times(self):
        # sudo: a constraint checks the record whoever writes it.
        for meeting in self.sudo():
            if meeting.stop <= meeting.start:
                raise ValidationError(_("The meeting %s cannot end before it starts.")
                                      % meeting.name)

    @api.onchange("team_id")
    def _onchange_team_id(self):
        if not self.team_id or self.attendee_ids:
            return
        members = self.team_id.member_ids | self.team_id.user_id
        self.attendee_ids = [(0, 0, {"user_id": user.id}) for user in members]

    @api.onchange("start")
    def _onchange_start(self):
        if self.start and (not self.stop or self.stop <= self.start):
            self.stop = fields.Datetime.to_string(
                fields.Datetime.from_string(self.start) + timedelta(minutes=30))

    @api.model
    def create(self, values):
        check_input(self, values)
        check_company(self, values)
        return super(SalesMeeting, self.with_context(mail_create_nosubscribe=True)).create(
            values)

    @api.multi
    def write(self, values):
        check_input(self, values)
        check_company(self, values)
        return super(SalesMeeting, self).write(values)

    @api.multi
    def action_held(self):
        self.write({"state": "held"})
        return True

    @api.multi
    def action_propose_coaching(self):
        """Propose to coach the team's salespeople below the company's
        thresholds (see ``sales.coaching._candidates``)."""
        self.ensure_one()
        if not self.team_id:
            raise UserError(_("Set the meeting's team to find whom to coach."))
        members = self.env["res.users"]._sales_salespeople(self.team_id)
        already = self.coaching_ids.mapped("user_id")
        day = fields.Date.from_string(self.start[:10])
        proposals = self.env["sales.coaching"]._candidates(members - already, day,
                                                              self.company_id)
        if not proposals:
            raise UserError(_("Nobody in %s is below the coaching thresholds.")
                            % self.team_id.name)
        for user, (reason, detail) in proposals.items():
            self.env["sales.coaching"].create({
                "meeting_id": self.id,
                "company_id": self.company_id.id,
                "user_id": user.id,
                "coach_id": self.chair_id.id,
                "date": fields.Date.to_string(day),
                "reason": reason,
                "reason_detail": detail,
            })
        return True
