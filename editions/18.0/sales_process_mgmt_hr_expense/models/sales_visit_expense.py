from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SalesVisitExpense(models.Model):
    _inherit = "sales.visit.expense"

    expense_id = fields.Many2one(
        "hr.expense", string="Expense Claim", ondelete="set null", index=True,
        help="The expense claim (Expenses app) that reimburses this expense.")

    @api.constrains("expense_id", "visit_id")
    def _check_expense_id(self):
        # sudo: a constraint checks the record whoever writes it; the claim's
        # employee may be outside what the user reads.
        for expense in self.sudo().filtered("expense_id"):
            employee_user = expense.expense_id.employee_id.user_id
            if employee_user and employee_user != expense.user_id:
                raise ValidationError(
                    self.env._(
                        "The expense claim %(claim)s is %(employee)s's, not the salesperson's of "
                        "the visit.",
                        claim=expense.expense_id.name,
                        employee=expense.expense_id.employee_id.name))
