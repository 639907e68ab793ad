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

    def _sales_for(self, user):
        """These records in the language of ``user``: the texts a method of
        the result writes with ``_()`` (a message, an activity's summary) are
        in the language of the person who reads them, not of the author."""
        # sudo: the author may not read the recipient's preferences.
        return self.with_context(lang=user.sudo().lang or self.env.lang)

    def _sales_text(self, text, user):
        """``text`` for ``user``: a text as it is, or a function of these
        records in the user's language (``lambda self: _("...")``: ``_``
        translates into the language of the ``self`` it finds)."""
        return text(self._sales_for(user)) if callable(text) else text

    @api.multi
    def _sales_schedule(self, users, summary, date_deadline=None,
                        activity_type="mail.mail_activity_data_todo", note=None):
        """An activity of each of ``users`` on each of these records; returns them.

        ``summary`` and ``note``: texts, or functions giving them in each
        user's language (see ``_sales_text``); ``activity_type``: the XML id of
        the activity type; ``date_deadline`` (default: today in the acting
        user's time zone).
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
                    "summary": record._sales_text(summary, user),
                    "note": record._sales_text(note, user) or False,
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
        (text, escaped: Odoo 11 shows the feedback as HTML).  The "done"
        messages are signed by the user acting, not by the superuser the
        activities are closed as (see ``mail.message``)."""
        self._sales_activities(activity_type, users).with_context(
            sales_author_id=self.env.user.partner_id.id).action_feedback(
            html_escape(feedback) if feedback else False)

    @api.model
    def _sales_notify(self, users, body, subject=None):
        """A message to ``users`` about no single document (a digest): it lands
        in their Inbox.  ``body`` is HTML built by the caller with escaped values;
        ``body`` and ``subject`` may be functions (see ``_sales_text``): one
        message per language of the users."""
        messages = self.env["mail.message"]
        for readers in self._sales_by_language(users):
            # sudo: the scheduler or a salesperson writes to people whose partners
            # the record rules may hide.
            messages |= self.env["mail.thread"].sudo().message_post(
                body=self._sales_text(body, readers[0]),
                subject=self._sales_text(subject, readers[0]), message_type="comment",
                partner_ids=readers.mapped("partner_id").ids, subtype="mail.mt_comment")
        return messages

    @api.model
    def _sales_by_language(self, users):
        """``users`` in groups of the same language."""
        groups = {}
        # sudo: the author may not read the recipients' preferences.
        for user in users.sudo():
            groups.setdefault(user.lang or self.env.lang, self.env["res.users"])
            groups[user.lang or self.env.lang] |= user
        return [groups[lang] for lang in sorted(groups)]

    @api.multi
    def _sales_post(self, users, body, **values):
        """A message on this record to ``users`` (``body``: escaped HTML, or a
        function giving it in their language, see ``_sales_text``): one
        message per language of the users."""
        self.ensure_one()
        for readers in self._sales_by_language(users):
            self.message_post(body=self._sales_text(body, readers[0]),
                              partner_ids=readers.mapped("partner_id").ids, **values)
