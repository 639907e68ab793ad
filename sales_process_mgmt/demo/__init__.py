from . import sales_demo_story
from . import sales_demo_check_in
