from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.coaching import coaching_reason
from .orm_tools import check_company, check_input

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
    _inherit = ["sales.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    team_id = fields.Many2one("crm.team", index=True,
                              default=lambda self: self.env.user.sale_team_id)
    coach_id = fields.Many2one("res.users", required=True, index=True,
                               default=lambda self: self.env.user)
    meeting_id = fields.Many2one("sales.meeting", ondelete="set null", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
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
    follow_up_date = fields.Date(tracking=True)
    outcome = fields.Text(tracking=True)
    state = fields.Selection([("open", "Open"), ("done", "Followed Up")], default="open",
                             required=True, tracking=True)

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
                raise ValidationError(self.env._(
                    "The follow-up of %(name)s is in the past (%(date)s): choose today or a "
                    "later day.",
                    name=coaching.name, date=coaching.follow_up_date))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input(self, vals)
            check_company(self, vals)
            if "team_id" not in vals and vals.get("user_id"):
                vals["team_id"] = self.env["res.users"].browse(
                    vals["user_id"]).sale_team_id.id
        coachings = super(SalesCoaching, self.with_context(
            mail_create_nosubscribe=True)).create(vals_list)
        coachings._schedule_follow_up()
        return coachings

    def write(self, vals):
        check_input(self, vals)
        check_company(self, vals)
        result = super().write(vals)
        if vals.get("follow_up_date"):
            self._schedule_follow_up()
        return result

    def _schedule_follow_up(self):
        """One follow-up activity of the coach per coaching, moved with its date."""
        for coaching in self.filtered("follow_up_date"):
            activity = coaching._sales_activities("mail.mail_activity_data_todo",
                                                  coaching.coach_id)
            if activity:
                activity.write({"date_deadline": coaching.follow_up_date})
                continue
            coaching._sales_schedule(
                coaching.coach_id,
                lambda record: record.env._("Follow up the coaching of %s", record.user_id.name),
                date_deadline=coaching.follow_up_date)

    def action_done(self):
        for coaching in self:
            if not (coaching.outcome or "").strip():
                raise ValidationError(self.env._(
                    "Write the outcome of the follow-up of %s first.",
                    coaching.name))
        self.write({"state": "done"})
        self.activity_ids.action_feedback(self.env._("Followed up"))
        return True

    @api.model
    def _candidates(self, users, day, company=None):
        """Whom to coach among ``users`` on ``day``: {user: (reason, detail)}.

        The rules are ``lib.coaching.coaching_reason``'s, on the thresholds of
        ``company`` (the meeting's; the user's current company by default);
        the figures come from two batch reads whatever the number of users
        (``_read_coaching_figures``).
        """
        if not users:
            return {}
        company = company or self.env.company
        thresholds = {"pace": company.sales_coach_achievement_threshold,
                      "efficiency": company.sales_coach_efficiency_threshold,
                      "new_months": company.sales_coach_new_months}
        figures = self._read_coaching_figures(users, day)
        proposals = {}
        for user in users:
            found = coaching_reason(figures[user.id], thresholds, day)
            if found:
                proposals[user] = (found[0], self._reason_detail(*found))
        return proposals

    @api.model
    def _read_coaching_figures(self, users, day):
        """{user id: figures for ``coaching_reason``}: the achievement of the
        monthly sales target running on ``day``, the visits and effective rate
        of the 30 days up to it, and when the user joined."""
        figures = {user.id: {"joined": user.create_date.date()} for user in users}
        # sudo: the proposal reads the targets and visits of the whole team.
        targets = self.env["sales.target.line"].sudo().search([
            ("user_id", "in", users.ids), ("metric", "=", "sales"),
            ("partner_id", "=", False), ("categ_id", "=", False),
            ("period_type", "=", "month"),
            ("date_from", "<=", day), ("date_to", ">=", day),
        ])
        for line in targets:
            figures[line.user_id.id].update(achievement=line.achievement_rate,
                                            expected=line.expected_rate)
        groups = self.env["sales.efficiency.report"].sudo().read_group(
            [("user_id", "in", users.ids),
             ("date", ">", day - timedelta(days=30)),
             ("date", "<=", day)],
            ["user_id", "visit_done", "effective_rate"], ["user_id"])
        for group in groups:
            figures[group["user_id"][0]].update(visits_done=group["visit_done"],
                                                effective_rate=group["effective_rate"])
        return figures

    @api.model
    def _reason_detail(self, reason, facts):
        if reason == "low_achievement":
            return self.env._("%(achieved).0f%% of the monthly target achieved, %(expected).0f%% "
                              "expected", **facts)
        if reason == "low_efficiency":
            return self.env._("%(rate).0f%% of %(visits)d visits effective in 30 days", **facts)
        return self.env._("Joined on %s", facts["joined"])
