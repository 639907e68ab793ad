from . import sales_target_decompose
from . import sales_target_decompose_line
from . import sales_return_wizard
from . import sales_visit_missed
from . import sales_visit_schedule
from . import sales_visit_suggest
from . import sales_visit_suggest_line
from . import sales_weekly_report_generate
