from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.ir.ir_model import MODULE_UNINSTALL_FLAG

EXPENSE_CATEGORIES = [
    ("transport", "Transport"),
    ("meals", "Meals"),
    ("gifts", "Gifts"),
    ("other", "Other"),
]


class SalesVisitExpense(models.Model):
    """An expense of a visit, counted in the efficiency evaluation (R6).  It may
    point to the employee's expense claim (``hr.expense``) that reimburses it."""

    _name = "sales.visit.expense"
    _description = "Visit Expense"
    _order = "visit_id, id"

    visit_id = fields.Many2one("sales.visit", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one(related="visit_id.user_id", store=True, readonly=True)
    team_id = fields.Many2one(related="visit_id.team_id", store=True, readonly=True)
    date = fields.Date(related="visit_id.date", store=True, readonly=True)
    company_id = fields.Many2one(related="visit_id.company_id", store=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    category = fields.Selection(EXPENSE_CATEGORIES, required=True, default="transport")
    amount = fields.Monetary(required=True)
    description = fields.Char()
    expense_id = fields.Many2one(
        "hr.expense", string="Expense Claim", ondelete="set null",
        help="The expense claim (Expenses app) that reimburses this expense.")

    @api.constrains("amount")
    def _check_amount(self):
        # sudo: a constraint checks the record whoever writes it (the stored
        # related fields the rules filter on may not be written yet).
        for expense in self.sudo():
            if expense.amount < 0:
                raise ValidationError(_("An expense cannot be below zero (%(category)s: "
                                        "%(amount).2f).")
                                      % {"category": dict(self._fields["category"]
                                                          .get_description(self.env)
                                                          ["selection"])[expense.category],
                                         "amount": expense.amount})

    @api.model
    def create(self, values):
        expense = super(SalesVisitExpense, self).create(values)
        if expense.visit_id._reports_frozen():
            raise ValidationError(_("The daily report of %s is submitted: its visits' "
                                    "expenses can no longer change.") % expense.date)
        return expense

    @api.multi
    def write(self, values):
        if self.mapped("visit_id")._reports_frozen():
            raise ValidationError(_("The daily report of %s is submitted: its visits' "
                                    "expenses can no longer change.") % self[:1].date)
        return super(SalesVisitExpense, self).write(values)

    @api.multi
    def unlink(self):
        if not self.env.context.get(MODULE_UNINSTALL_FLAG) and \
                self.mapped("visit_id")._reports_frozen():
            raise ValidationError(_("The daily report of %s is submitted: its visits' "
                                    "expenses can no longer change.") % self[:1].date)
        return super(SalesVisitExpense, self).unlink()
