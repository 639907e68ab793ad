from collections import defaultdict

from odoo import api, fields, models


class CrmLead(models.Model):
    """Leads and opportunities show their visits and the market reports of
    their customer, and plan a visit from the pipeline (R2): the last visit
    done and the next one to do are stored, for filters such as "not visited
    for 30 days" and for the kanban card."""

    _inherit = "crm.lead"

    sales_visit_ids = fields.One2many("sales.visit", "lead_id", string="Visits")
    sales_visit_count = fields.Integer(string="Visit Count", compute="_compute_sales_counts")
    sales_market_report_count = fields.Integer(string="Market Report Count",
                                               compute="_compute_sales_counts")
    sales_last_visit_date = fields.Date(
        string="Last Visit", compute="_compute_sales_visit_dates", store=True, index=True,
        compute_sudo=True, help="The day of the last visit done for it, by anyone.")
    sales_next_visit_date = fields.Date(
        string="Next Visit", compute="_compute_sales_visit_dates", store=True, index=True,
        compute_sudo=True, help="The day of the first visit still to do for it.")

    @api.depends("sales_visit_ids.state", "sales_visit_ids.date")
    def _compute_sales_visit_dates(self):
        """From the visits in the cache (read for all the leads at once), whoever's
        visits they are (computed as superuser)."""
        for lead in self:
            visits = lead.sales_visit_ids
            done = visits.filtered(lambda visit: visit.state == "done").mapped("date")
            to_do = visits.filtered(lambda visit: visit.state == "todo").mapped("date")
            lead.sales_last_visit_date = max(done) if done else False
            lead.sales_next_visit_date = min(to_do) if to_do else False

    def _compute_sales_counts(self):
        """The visits the user may read, and the market reports of the leads'
        customers (their commercial entities): one grouped read each."""
        visits = dict(self.env["sales.visit"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
        partners = self.partner_id.commercial_partner_id
        reports = defaultdict(int)
        if partners:
            for partner, count in self.env["sales.market.report"]._read_group(
                    [("partner_id", "child_of", partners.ids)], ["partner_id"], ["__count"]):
                reports[partner.commercial_partner_id] += count
        for lead in self:
            lead.sales_visit_count = visits.get(lead._origin, 0)
            lead.sales_market_report_count = reports[lead.partner_id.commercial_partner_id]

    def action_sales_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_process_mgmt.sales_visit_action")
        action.update(domain=[("lead_id", "=", self.id)],
                      context={"default_lead_id": self.id,
                               "default_partner_id": self.partner_id.id})
        return action

    def action_sales_market_reports(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_process_mgmt.sales_market_report_action")
        partner = self.partner_id.commercial_partner_id
        action.update(domain=[("partner_id", "child_of", partner.ids)],
                      context={"default_partner_id": partner.id})
        return action

    def action_sales_plan_visit(self):
        """Open *Plan a Visit* for this lead or opportunity."""
        self.ensure_one()
        return self.env["sales.visit.schedule"]._action_open(self.partner_id, self)
