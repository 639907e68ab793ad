from markupsafe import escape

from odoo import api, fields, models

from .orm_tools import check_input, check_not_blank


class SalesMeetingAction(models.Model):
    """An action item decided in a sales meeting: its assignee gets an
    activity on the meeting, due on the item's date."""

    _name = "sales.meeting.action"
    _inherit = ["sales.input.mixin"]
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

    @api.depends("activity_id", "activity_id.active")
    def _compute_done(self):
        for action in self:
            # Done: the activity was deleted, or archived (a type that keeps
            # the activities done).
            action.done = bool(action.id) and not (
                action.activity_id and action.activity_id.active)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input(self, vals)
        actions = super().create(vals_list)
        actions._schedule_activity()
        return actions

    def write(self, vals):
        check_input(self, vals)
        result = super().write(vals)
        if {"name", "user_id", "date_deadline"} & set(vals):
            for action in self.filtered("activity_id"):
                # sudo: the activity belongs to the assignee.
                action.activity_id.sudo().write({
                    "summary": action.name, "user_id": action.user_id.id,
                    "date_deadline": action.date_deadline})
        return result

    def _schedule_activity(self):
        for action in self:
            action.activity_id = action.meeting_id._sales_schedule(
                action.user_id, action.name, date_deadline=action.date_deadline,
                note=lambda record: escape(record.env._("Action item of the meeting %s",
                                                        record.name)))

    @api.constrains("name")
    def _check_name(self):
        check_not_blank(self, ["name"])
