from . import account_move_line
from . import res_partner
from . import sales_target
from . import sales_target_line
