from . import sales_demo_story
