from collections import defaultdict

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

    sales_visit_ids = fields.One2many("sales.visit", "partner_id", string="Visits")
    sales_last_visit_date = fields.Date(
        string="Last Visit", compute="_compute_sales_last_visit_date", store=True,
        index=True, compute_sudo=True,
        help="The day of the last visit done to this customer, by anyone.")
    sales_visit_count = fields.Integer(string="Visit Count", compute="_compute_sales_counts")
    sales_market_report_count = fields.Integer(string="Market Report Count",
                                               compute="_compute_sales_counts")
    sales_complaint_count = fields.Integer(string="Complaint Count",
                                           compute="_compute_sales_counts")

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

    @api.depends("sales_visit_ids.state", "sales_visit_ids.date")
    def _compute_sales_last_visit_date(self):
        """From the visits in the cache (read for all the partners at once),
        whoever's visits they are (computed as superuser)."""
        for partner in self:
            done = partner.sales_visit_ids.filtered(
                lambda visit: visit.state == "done").mapped("date")
            partner.sales_last_visit_date = max(done) if done else False

    def _compute_sales_counts(self):
        """The visits, market reports and complaints the user may read, of each
        partner and its contacts: one grouped read per model."""
        domain = [("partner_id", "child_of", self.ids)]
        rows = [(partner, "visits", count) for partner, count in self.env[
            "sales.visit"]._read_group(domain, ["partner_id"], ["__count"])]
        for partner, complaint, count in self.env["sales.market.report"]._read_group(
                domain, ["partner_id", "is_complaint"], ["__count"]):
            rows.append((partner, "reports", count))
            if complaint:
                rows.append((partner, "complaints", count))
        totals = defaultdict(int)
        for partner, key, count in rows:
            for owner in {partner, partner.commercial_partner_id}:
                totals[(owner.id, key)] += count
        for partner in self:
            partner.sales_visit_count = totals[(partner.id, "visits")]
            partner.sales_market_report_count = totals[(partner.id, "reports")]
            partner.sales_complaint_count = totals[(partner.id, "complaints")]

    def action_sales_visits(self):
        return self._sales_open("sales_process_mgmt.sales_visit_action", [])

    def action_sales_market_reports(self):
        return self._sales_open("sales_process_mgmt.sales_market_report_action", [])

    def action_sales_complaints(self):
        return self._sales_open("sales_process_mgmt.sales_market_report_action",
                                [("is_complaint", "=", True)])

    def action_sales_plan_visit(self):
        """Open *Plan a Visit* for this customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Plan a Visit"),
            "res_model": "sales.visit.schedule",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def _sales_open(self, xmlid, domain):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(domain=[("partner_id", "child_of", self.ids)] + domain,
                      context={"default_partner_id": self.id})
        return action
