from markupsafe import Markup

from odoo import api, models


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

    def _sales_schedule(self, users, summary, date_deadline=None,
                        activity_type="mail.mail_activity_data_todo", note=None):
        """An activity of each of ``users`` on each of these records; returns them.

        ``activity_type``: the XML id of the activity type; ``date_deadline``
        (default: today in the acting user's time zone).
        """
        activities = self.env["mail.activity"]
        for record in self:
            for user in users:
                # sudo: the activity is assigned to another user than the one
                # acting (see the class).
                values = record._sales_activity_values({"user_id": user.id})
                activities |= record.sudo().activity_schedule(
                    activity_type, date_deadline=date_deadline, summary=summary,
                    note=note or "", **values)
        return activities.with_env(self.env)

    def _sales_activity_values(self, values):
        """Hook: extra values (``user_id``, ...) of an activity about to be
        scheduled on this record."""
        return values

    def _sales_activities(self, activity_type=None, users=None):
        """The open activities of these records (of one type, of some users)."""
        # sudo: the activities are assigned to other users than the one acting.
        domain = [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        if activity_type:
            domain.append(("activity_type_id", "=", self.env.ref(activity_type).id))
        if users is not None:
            domain.append(("user_id", "in", users.ids))
        return self.env["mail.activity"].sudo().search(domain)

    def _sales_close(self, feedback=None, activity_type=None, users=None):
        """Mark the open activities of these records done, with ``feedback``."""
        if activity_type and (users is None or len(users) == 1):
            # sudo: the activities are assigned to other users than the one acting.
            self.sudo().activity_feedback([activity_type], user_id=users.id if users else None,
                                          feedback=feedback or False)
        # What is left: the activities of several users, of any type, or
        # scheduled by hand (activity_feedback closes the automated ones).
        self._sales_activities(activity_type, users).action_feedback(feedback or False)

    @api.model
    def _sales_notify(self, users, body, subject=None):
        """A message to ``users`` about no single document (a digest): it lands
        in their Inbox.  ``body`` is HTML built by the caller with escaped values."""
        if not users:
            return self.env["mail.message"]
        # sudo: the scheduler or a salesperson writes to people whose partners
        # the record rules may hide.
        return self.env["mail.thread"].sudo().message_notify(
            body=Markup(body), subject=subject, partner_ids=users.partner_id.ids,
            subtype_xmlid="mail.mt_comment")
