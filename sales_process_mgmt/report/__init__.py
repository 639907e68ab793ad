from . import sales_target_fact
from . import sales_target_analysis
from . import sales_efficiency_report
