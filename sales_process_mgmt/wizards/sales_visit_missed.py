from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.orm_tools import check_not_blank


class SalesVisitMissed(models.TransientModel):
    """Asks why the visits of its context (``active_ids``: the visit of the
    form, or the visits selected in a list) were not done, and records them
    as not done."""

    _name = "sales.visit.missed"
    _inherit = ["sales.input.mixin"]
    _description = "Visit Not Done"

    reason = fields.Char(string="Why Not Done", required=True)

    @api.constrains("reason")
    def _check_reason(self):
        check_not_blank(self, ["reason"])

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        if self.env.context.get("active_model") != "sales.visit":
            raise UserError(_("Select the visits that were not done."))
        visits = self.env["sales.visit"].browse(self.env.context.get("active_ids") or [])
        if not visits:
            raise UserError(_("Select the visits that were not done."))
        visits.action_missed(self.reason)
        # The visit's own dialog, opened from its plan, was replaced by this
        # one: reload, so that the plan shows the visit not done.
        return {"type": "ir.actions.client", "tag": "reload"}
