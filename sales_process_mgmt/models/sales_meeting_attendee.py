from odoo import fields, models

PRESENCE = [("present", "Present"), ("absent", "Absent"), ("remote", "Remote")]


class SalesMeetingAttendee(models.Model):
    """Who attends a sales meeting, and how; a salesperson on the road
    attends remotely and their report is recorded."""

    _name = "sales.meeting.attendee"
    _inherit = ["sales.input.mixin"]
    _description = "Sales Meeting Attendee"
    _order = "meeting_id, id"

    meeting_id = fields.Many2one("sales.meeting", required=True, ondelete="cascade",
                                 index=True)
    user_id = fields.Many2one("res.users", string="Attendee", required=True, index=True)
    presence = fields.Selection(PRESENCE, required=True, default="present")
    remote_report = fields.Text(help="What a remote attendee reported.")

    _sql_constraints = [
        ("meeting_user_unique", "UNIQUE(meeting_id, user_id)",
         "Each person attends a meeting once."),
    ]
