from odoo import api, fields, models
from odoo.exceptions import ValidationError

EXPENSE_CATEGORIES = [
    ("transport", "Transport"),
    ("meals", "Meals"),
    ("gifts", "Gifts"),
    ("other", "Other"),
]


class SalesVisitExpense(models.Model):
    """An expense of a visit, counted in the efficiency evaluation (R6).  With
    Odoo's Expenses app, the bridge addon ``sales_process_mgmt_hr_expense``
    links it to the employee's expense claim."""

    _name = "sales.visit.expense"
    _inherit = ["sales.input.mixin"]
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
    # An image field keeps a phone camera's photo to a readable size.
    receipt = fields.Image(
        string="Receipt Photo", max_width=1920, max_height=1920,
        help="A photo of the receipt, taken with the phone's camera or picked from its "
             "pictures.")

    @api.constrains("amount")
    def _check_amount(self):
        # sudo: a constraint checks the record whoever writes it (the stored
        # related fields the rules filter on may not be written yet).
        categories = dict(self._fields["category"]._description_selection(self.env))
        for expense in self.sudo():
            if expense.amount < 0:
                raise ValidationError(self.env._(
                    "An expense cannot be below zero (%(category)s: %(amount).2f).",
                    category=categories[expense.category], amount=expense.amount))

    def _check_not_frozen(self, visits):
        frozen = visits._reports_frozen()
        if frozen:
            raise ValidationError(self.env._("The daily report of %s is submitted: its visits' "
                                             "expenses can no longer change.", frozen[:1].date))

    @api.model_create_multi
    def create(self, vals_list):
        expenses = super().create(vals_list)
        self._check_not_frozen(expenses.visit_id)
        return expenses

    def write(self, vals):
        self._check_not_frozen(self.visit_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        self._check_not_frozen(self.visit_id)
