# Copyright 2026 sales_process_mgmt contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Sales Process Management - Expense Claims",
    "summary": "Link the expenses of customer visits to the employees' expense claims",
    "version": "18.0.1.0.0",
    "category": "Sales",
    "website": "https://github.com/sales-process-mgmt/sales_process_mgmt",
    "author": "sales_process_mgmt contributors",
    "license": "LGPL-3",
    "depends": [
        "hr_expense",
        "sales_process_mgmt",
    ],
    "data": [
        "views/sales_visit_expense_views.xml",
    ],
    "auto_install": True,
}
