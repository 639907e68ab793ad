"""Boards whose blocks show the user's own day, week or month.

Odoo's board evaluates a block's ``domain`` without a context (no ``uid``, no
``context_today``) and, in Odoo 11, ignores the ``search_default_*`` keys of
its context: a block could only show a fixed selection.  A block of the
addon's boards gives its selection in ``sales_domain`` instead, an expression
evaluated here, on the server, for the user who opens the board; the result
is written into the block's ``domain``.  The expression stays in the arch, so
a board the user rearranges (saved as a custom view) is evaluated again the
next time.
"""

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import api, models

# The wrapped modules safe_eval accepts (a plain module is refused).
from odoo.tools.safe_eval import datetime, safe_eval, time

from ..lib.dates import local_today


class BoardBoard(models.AbstractModel):
    _inherit = "board.board"

    @api.model
    def _arch_preprocessing(self, arch):
        arch = super()._arch_preprocessing(arch)
        node = etree.fromstring(arch)
        blocks = node.xpath("//action[@sales_domain]")
        if not blocks:
            return arch
        # The user's day: in the user's time zone, else the company's.
        today = local_today(self.env.user._sales_tz_name())
        values = {
            "uid": self.env.uid,
            "context_today": lambda: today,
            "datetime": datetime,
            "relativedelta": relativedelta,
            "time": time,
        }
        for block in blocks:
            block.set("domain", repr(safe_eval(block.get("sales_domain"), values)))
        return etree.tostring(node, encoding="unicode")
