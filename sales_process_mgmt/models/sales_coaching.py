from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

COACHING_KINDS = [
    ("coaching", "Coaching"),
    ("individual_interview", "Individual Interview"),
    ("group_interview", "Group Interview"),
]
REASONS = [
    ("low_achievement", "Below Target Pace"),
    ("low_efficiency", "Low Visit Efficiency"),
    ("new_salesperson", "New Salesperson"),
    ("other", "Other"),
]


class SalesCoaching(models.Model):
    """The coaching of a salesperson (指导、纠正和帮助, R10) and the supervisor's
    interviews (面谈, R6): what was observed (attitude, efficiency, skills,
    results), the guidance given, a follow-up date (an activity of the coach)
    and the outcome."""

    _name = "sales.coaching"
    _description = "Coaching and Interview"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    team_id = fields.Many2one("crm.team", index=True,
                              default=lambda self: self.env.user.sale_team_id)
    coach_id = fields.Many2one("res.users", required=True, index=True,
                               default=lambda self: self.env.user)
    meeting_id = fields.Many2one("sales.meeting", ondelete="set null", index=True)
    kind = fields.Selection(COACHING_KINDS, required=True, default="coaching")
    participant_ids = fields.Many2many(
        "res.users", "sales_coaching_participant_rel", "coaching_id", "user_id",
        string="Other Participants", help="The other salespeople of a group interview.")
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Selection(REASONS, default="other", required=True)
    reason_detail = fields.Char(string="Why")
    on_attitude = fields.Boolean(string="Attitude")
    on_efficiency = fields.Boolean(string="Efficiency")
    on_skills = fields.Boolean(string="Skills")
    on_results = fields.Boolean(string="Results")
    observation = fields.Text(string="What Was Observed")
    guidance = fields.Text(string="Guidance Given")
    follow_up_date = fields.Date(track_visibility="onchange")
    outcome = fields.Text(track_visibility="onchange")
    state = fields.Selection([("open", "Open"), ("done", "Followed Up")], default="open",
                             required=True, track_visibility="onchange")

    @api.depends("user_id", "date", "kind")
    def _compute_name(self):
        kinds = dict(COACHING_KINDS)
        for coaching in self:
            coaching.name = "%s: %s %s" % (kinds.get(coaching.kind, ""),
                                            coaching.user_id.name or "", coaching.date or "")

    @api.onchange("user_id")
    def _onchange_user_id(self):
        if self.user_id.sale_team_id:
            self.team_id = self.user_id.sale_team_id

    @api.constrains("follow_up_date")
    def _check_follow_up_date(self):
        today = fields.Date.context_today(self)
        # sudo: a constraint checks the record whoever writes it.
        for coaching in self.sudo():
            if coaching.follow_up_date and coaching.follow_up_date < today:
                raise ValidationError(_("The follow-up of %(name)s is in the past "
                                        "(%(date)s): choose today or a later day.")
                                      % {"name": coaching.name,
                                         "date": coaching.follow_up_date})

    @api.model
    def create(self, values):
        if "team_id" not in values and values.get("user_id"):
            values["team_id"] = self.env["res.users"].browse(
                values["user_id"]).sale_team_id.id
        coaching = super(SalesCoaching, self.with_context(
            mail_create_nosubscribe=True)).create(values)
        coaching._schedule_follow_up()
        return coaching

    @api.multi
    def write(self, values):
        result = super(SalesCoaching, self).write(values)
        if values.get("follow_up_date"):
            self._schedule_follow_up()
        return result

    def _schedule_follow_up(self):
        """One follow-up activity of the coach per coaching, moved with its date."""
        model = self.env["ir.model"]._get(self._name)
        todo = self.env.ref("mail.mail_activity_data_todo")
        for coaching in self.filtered("follow_up_date"):
            activity = self.env["mail.activity"].concat(*[
                a for a in coaching.activity_ids
                if a.activity_type_id == todo and a.user_id == coaching.coach_id])
            if activity:
                activity.write({"date_deadline": coaching.follow_up_date})
                continue
            # sudo: the activity is the coach's, scheduled by whoever writes the date.
            self.env["mail.activity"].sudo().create({
                "res_model_id": model.id,
                "res_id": coaching.id,
                "activity_type_id": todo.id,
                "user_id": coaching.coach_id.id,
                "date_deadline": coaching.follow_up_date,
                "summary": _("Follow up the coaching of %s") % coaching.user_id.name,
            })

    @api.multi
    def action_done(self):
        for coaching in self:
            if not (coaching.outcome or "").strip():
                raise ValidationError(_("Write the outcome of the follow-up of %s first.")
                                      % coaching.name)
        self.write({"state": "done"})
        self.mapped("activity_ids").action_feedback(_("Followed up"))
        return True

    @api.model
    def _candidates(self, users, day):
        """Whom to coach among ``users`` on ``day``: {user: (reason, detail)}.

        * below target pace: the month-to-date achievement of the user's
          monthly sales target is below the company's threshold, as a share of
          the achievement expected by the day (the working days elapsed);
        * low efficiency: the effective visit rate of the last 30 days is below
          the company's threshold (only when visits were done);
        * new salesperson: the user was created less than the company's
          number of months ago.

        Two batch reads (the targets' computed progress, one read_group of the
        efficiency analysis), whatever the number of users.
        """
        company = self.env.user.company_id
        proposals = {}
        if not users:
            return proposals
        day_str = fields.Date.to_string(day)
        # sudo: the proposal reads the targets and visits of the whole team.
        targets = self.env["sales.target.line"].sudo().search([
            ("user_id", "in", users.ids), ("metric", "=", "sales"),
            ("partner_id", "=", False), ("categ_id", "=", False),
            ("period_type", "=", "month"),
            ("date_from", "<=", day_str), ("date_to", ">=", day_str),
        ])
        for line in targets:
            if not line.expected_rate:
                continue
            pace = 100.0 * line.achievement_rate / line.expected_rate
            if pace < company.sales_coach_achievement_threshold:
                proposals[line.user_id] = ("low_achievement", _(
                    "%(achieved).0f%% of the monthly target achieved, %(expected).0f%% "
                    "expected") % {"achieved": line.achievement_rate,
                                   "expected": line.expected_rate})
        groups = self.env["sales.efficiency.report"].sudo().read_group(
            [("user_id", "in", users.ids),
             ("date", ">", fields.Date.to_string(day - timedelta(days=30))),
             ("date", "<=", day_str)],
            ["user_id", "visit_done", "effective_rate"], ["user_id"])
        for group in groups:
            user = users.browse(group["user_id"][0])
            if user in proposals or not group["visit_done"]:
                continue
            if group["effective_rate"] < company.sales_coach_efficiency_threshold:
                proposals[user] = ("low_efficiency", _(
                    "%(rate).0f%% of %(visits)d visits effective in 30 days")
                    % {"rate": group["effective_rate"], "visits": group["visit_done"]})
        joined_after = day - relativedelta(months=company.sales_coach_new_months)
        for user in users - self.env["res.users"].concat(*proposals):
            if fields.Date.from_string(user.create_date[:10]) > joined_after:
                proposals[user] = ("new_salesperson", _("Joined on %s") % user.create_date[:10])
        return proposals
