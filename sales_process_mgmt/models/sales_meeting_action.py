from odoo import _, api, fields, models
from odoo.tools import html_escape

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

    def _compute_done(self):
        for action in self:
            action.done = bool(action.id) and not action.activity_id

    @api.model
    def create(self, values):
        check_input(self, values)
        action = super(SalesMeetingAction, self).create(values)
        action._schedule_activity()
        return action

    @api.multi
    def write(self, values):
        check_input(self, values)
        result = super(SalesMeetingAction, self).write(values)
        if {"name", "user_id", "date_deadline"} & set(values):
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
                note=lambda self: html_escape(_("Action item of the meeting %s") % self.name))

    @api.constrains("name")
    def _check_name(self):
        check_not_blank(self, ["name"])
