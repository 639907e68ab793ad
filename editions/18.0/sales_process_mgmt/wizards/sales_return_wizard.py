from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.orm_tools import check_not_blank

RETURNABLE = ("sales.visit.plan", "sales.daily.report")


class SalesReturnWizard(models.TransientModel):
    """Asks the approver why the visit plans or daily reports of its context
    (``active_model``, ``active_ids``: the form's document, or the records
    selected in a list) go back to their authors; they keep their contents."""

    _name = "sales.return.wizard"
    _inherit = ["sales.input.mixin"]
    _description = "Return to the Salesperson"

    reason = fields.Text(required=True)

    @api.constrains("reason")
    def _check_reason(self):
        check_not_blank(self, ["reason"])

    def _documents(self):
        model = self.env.context.get("active_model")
        if model not in RETURNABLE:
            raise UserError(self.env._("Only visit plans and daily reports can be returned."))
        documents = self.env[model].browse(self.env.context.get("active_ids") or [])
        if not documents:
            raise UserError(self.env._("Select the documents to return."))
        return documents

    def action_confirm(self):
        self.ensure_one()
        self._documents().action_return(self.reason)
        return {"type": "ir.actions.act_window_close"}
