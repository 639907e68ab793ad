from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_distributor = fields.Boolean(
        string="Distributor",
        help="A distributor (经销商) receives decomposed sales targets; the sales to "
             "its customers count towards them.")
    sales_distributor_id = fields.Many2one(
        comodel_name="res.partner",
        string="Served by Distributor",
        domain=[("is_distributor", "=", True)],
        index=True,
        help="The distributor this customer buys through: its orders count towards "
             "the distributor's targets.")

    is_competitor = fields.Boolean(
        string="Competitor",
        help="A competitor (竞争对手): market reports name it, so that competitor "
             "dynamics can be grouped.")

    @api.constrains("sales_distributor_id", "is_distributor")
    def _check_sales_distributor_id(self):
        for partner in self:
            distributor = partner.sales_distributor_id
            if distributor and not distributor.is_distributor:
                raise ValidationError(
                    self.env._(
                        "%s is not a distributor: tick 'Distributor' on it first.",
                        distributor.display_name))
            if distributor and distributor == partner:
                raise ValidationError(self.env._("A distributor cannot be served by itself."))
        # sudo: the customers a distributor serves may be outside the user's rules.
        served = self.sudo().search([("sales_distributor_id", "in", self.filtered(
            lambda partner: not partner.is_distributor).ids)], limit=1)
        if served:
            raise ValidationError(
                self.env._(
                    "%(distributor)s serves %(customer)s: choose another distributor for its "
                    "customers before unticking 'Distributor'.",
                    distributor=served.sales_distributor_id.display_name,
                    customer=served.display_name))
