from . import sales_target_decompose
from . import sales_target_decompose_line
