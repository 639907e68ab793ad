from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

RETURNABLE = ("sales.visit.plan", "sales.daily.report")


class SalesReturnWizard(models.TransientModel):
    """Asks the approver why a visit plan or a daily report goes back to its
    author; the document keeps its contents."""

    _name = "sales.return.wizard"
    _description = "Return to the Salesperson"

    res_model = fields.Char(required=True)
    res_ids = fields.Char(required=True)
    reason = fields.Text(required=True)

    @api.multi
    def action_confirm(self):
        self.ensure_one()
        if self.res_model not in RETURNABLE:
            raise UserError(_("Only visit plans and daily reports can be returned."))
        records = self.env[self.res_model].browse(safe_eval(self.res_ids))
        records.action_return(self.reason)
        return {"type": "ir.actions.act_window_close"}
