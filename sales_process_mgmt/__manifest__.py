# Copyright 2026 sales_process_mgmt contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Sales Process Management",
    "summary": "Sales targets, daily visit plans and reports, supervisor sign-off, "
               "weekly regional reports and sales meetings (销售过程管理)",
    "version": "11.0.1.1.0",
    "category": "Sales",
    "website": "https://github.com/sales-process-mgmt/sales_process_mgmt",
    "author": "sales_process_mgmt contributors",
    "license": "LGPL-3",
    "application": True,
    "depends": [
        "account_invoicing",
        "calendar",
        "crm",
        "mail",
        "sale_management",
        "sale_margin",
    ],
    "data": [
        "security/security.xml",
        "security/ir.model.access.csv",
        "data/sales_target_data.xml",
        "wizards/sales_target_decompose_views.xml",
        "views/crm_team_views.xml",
        "views/res_partner_views.xml",
        "views/sales_target_line_views.xml",
        "views/sales_target_views.xml",
        "report/sales_target_analysis_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/sales_target_demo.xml",
    ],
}
