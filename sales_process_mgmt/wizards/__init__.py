from . import sales_target_decompose
from . import sales_target_decompose_line
from . import sales_return_wizard
