from odoo import _, api, fields, models


class SalesMeetingAction(models.Model):
    """An action item decided in a sales meeting: its assignee gets an
    activity on the meeting, due on the item's date."""

    _name = "sales.meeting.action"
    _description = "Sales Meeting Action Item"
    _order = "date_deadline, id"

    meeting_id = fields.Many2one("sales.meeting", required=True, ondelete="cascade",
                                 index=True)
    name = fields.Char(string="Action", required=True)
    user_id = fields.Many2one("res.users", string="Assignee", required=True, index=True)
    date_deadline = fields.Date(string="Due Date", required=True,
                                default=fields.Date.context_today)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    done = fields.Boolean(compute="_compute_done",
                          help="The assignee marked the activity done.")

    def _compute_done(self):
        for action in self:
            action.done = bool(action.id) and not action.activity_id

    @api.model
    def create(self, values):
        action = super(SalesMeetingAction, self).create(values)
        action._schedule_activity()
        return action

    @api.multi
    def write(self, values):
        result = super(SalesMeetingAction, self).write(values)
        if {"name", "user_id", "date_deadline"} & set(values):
            for action in self.filtered("activity_id"):
                # sudo: the activity belongs to the assignee.
                action.activity_id.sudo().write({
                    "summary": action.name, "user_id": action.user_id.id,
                    "date_deadline": action.date_deadline})
        return result

    def _schedule_activity(self):
        model = self.env["ir.model"]._get("sales.meeting")
        for action in self:
            # sudo: the chair schedules an activity for another user.
            action.activity_id = self.env["mail.activity"].sudo().create({
                "res_model_id": model.id,
                "res_id": action.meeting_id.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "user_id": action.user_id.id,
                "date_deadline": action.date_deadline,
                "summary": action.name,
                "note": _("Action item of the meeting %s") % action.meeting_id.name,
            })
