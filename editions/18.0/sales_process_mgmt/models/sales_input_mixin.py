from odoo import api, models

from .orm_tools import check_input


class SalesInputMixin(models.AbstractModel):
    """Every document of the addon refuses values of the wrong type with a
    clear message (``orm_tools.check_input``), whoever sends them: the web
    client sends the right types, an import or an RPC integration may not.
    Overrides of ``create`` and ``write`` that read the values before calling
    ``super()`` check them first themselves."""

    _name = "sales.input.mixin"
    _description = "Checked Input"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_input(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_input(self, vals)
        return super().write(vals)
