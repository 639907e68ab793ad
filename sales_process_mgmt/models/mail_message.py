from odoo import api, fields, models


class MailMessage(models.Model):
    """The author of the messages the sales process posts as the superuser.

    Odoo 11's ``sudo()`` acts as the superuser, whose partner then signs the
    messages posted meanwhile: closing a supervisor's approval activity (done
    with sudo, see ``sales.activity.mixin``) posted "Todo done" signed by the
    administrator.  ``sales_author_id`` in the context names the partner who
    acts (the field's default is the method of Odoo 11's ``mail.message``
    itself, which a message posted through a composer, as a closed activity's
    is, would otherwise use)."""

    _inherit = "mail.message"

    author_id = fields.Many2one(default=lambda self: self._get_default_author())

    @api.model
    def _get_default_author(self):
        author = self.env.context.get("sales_author_id")
        if author:
            return self.env["res.partner"].browse(author)
        return super(MailMessage, self)._get_default_author()
