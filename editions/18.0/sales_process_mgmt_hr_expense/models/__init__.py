from . import sales_visit_expense
