from . import sales_target_fact
from . import sales_target_analysis
from . import sales_rate_analysis
from . import sales_efficiency_report
from . import sales_report_kpi
from . import sales_weekly_report_xlsx
from . import sales_target_line_xlsx
