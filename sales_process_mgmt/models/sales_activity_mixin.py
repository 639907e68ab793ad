from odoo import api, fields, models
from odoo.tools import html_escape


class SalesActivityMixin(models.AbstractModel):
    """The activities the sales process gives people on its documents: one
    home for scheduling and closing them.

    The process schedules activities for other people than the one acting (a
    salesperson's submission gives the approver an activity, an escalation
    the director one); they are created with sudo, since a user may not
    create an activity assigned to someone else through the record rules.
    """

    _name = "sales.activity.mixin"
    _description = "Sales Process Activities"
    _inherit = ["sales.input.mixin", "mail.thread", "mail.activity.mixin"]

    @api.multi
    def _sales_schedule(self, users, summary, date_deadline=None,
                        activity_type="mail.mail_activity_data_todo", note=None):
        """An activity of each of ``users`` on each of these records; returns them.

        ``activity_type``: the XML id of the activity type; ``date_deadline``
        (default: today in the acting user's time zone).
        """
        activity_type = self.env.ref(activity_type)
        model = self.env["ir.model"]._get(self._name)
        deadline = date_deadline or fields.Date.context_today(self)
        activities = self.env["mail.activity"]
        for record in self:
            for user in users:
                # sudo: the activity is assigned to another user than the one
                # acting (see the class).
                activities |= activities.sudo().create(record._sales_activity_values({
                    "res_model_id": model.id,
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": deadline,
                    "summary": summary,
                    "note": note or False,
                }))
        return activities

    def _sales_activity_values(self, values):
        """Hook: the values of an activity about to be created on this record."""
        return values

    @api.multi
    def _sales_activities(self, activity_type=None, users=None):
        """The open activities of these records (of one type, of some users)."""
        # sudo: the activities are assigned to other users than the one acting.
        domain = [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        if activity_type:
            domain.append(("activity_type_id", "=", self.env.ref(activity_type).id))
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        return self.env["mail.activity"].sudo().search(domain)

    @api.multi
    def _sales_close(self, feedback=None, activity_type=None, users=None):
        """Mark the open activities of these records done, with ``feedback``
        (text, escaped: Odoo 11 shows the feedback as HTML)."""
        self._sales_activities(activity_type, users).action_feedback(
            html_escape(feedback) if feedback else False)

    @api.model
    def _sales_notify(self, users, body, subject=None):
        """A message to ``users`` about no single document (a digest): it lands
        in their Inbox.  ``body`` is HTML built by the caller with escaped values."""
        if not users:
            return self.env["mail.message"]
        # sudo: the scheduler or a salesperson writes to people whose partners
        # the record rules may hide.
        return self.env["mail.thread"].sudo().message_post(
            body=body, subject=subject, message_type="comment",
            partner_ids=users.mapped("partner_id").ids, subtype="mail.mt_comment")
