from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import dates


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
        help="The day of the last visit done to this customer or its contacts, by anyone.")
    sales_visit_count = fields.Integer(string="Visit Count", compute="_compute_sales_counts")
    sales_market_report_count = fields.Integer(string="Market Report Count",
                                               compute="_compute_sales_counts")
    sales_complaint_count = fields.Integer(string="Complaint Count",
                                           compute="_compute_sales_counts")
    sales_target_rate = fields.Float(
        string="Achieved this Month (%)", digits=(16, 1), compute="_compute_sales_target_rate",
        help="A distributor's sales of the running month against its sales target of the "
             "month (the distributor's own line, not its salespeople's).")

    sales_customer_class = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")], string="Visit Class", index=True,
        help="How often the customer is visited: every so many days set for each class "
             "in the settings. Empty: no visit frequency.")
    sales_visit_due_date = fields.Date(
        string="Next Visit Due", compute="_compute_sales_visit_due",
        help="The last visit plus the days of the customer's visit class.")
    sales_visit_overdue = fields.Boolean(
        string="Visit Overdue", compute="_compute_sales_visit_due",
        search="_search_sales_visit_overdue",
        help="Not visited within the days of its visit class (or never visited).")

    is_competitor = fields.Boolean(
        string="Competitor",
        help="A competitor (竞争对手): market reports name it, so that competitor "
             "dynamics can be grouped.")
    sales_coordinates_locked = fields.Boolean(
        string="Coordinates Locked", compute="_compute_sales_coordinates_locked",
        help="The user may not move the customer's coordinates: check-ins are measured "
             "against them; a supervisor sets them.")

    @api.depends_context("uid")
    def _compute_sales_coordinates_locked(self):
        locked = not self._sales_may_move_coordinates()
        for partner in self:
            partner.sales_coordinates_locked = locked

    def _sales_may_move_coordinates(self):
        """Whether the user may change customers' coordinates: a sales
        supervisor or director, or the superuser (the demo, a sudo geocoding)."""
        return self.env.is_superuser() or \
            self.env.user.has_group("sales_process_mgmt.group_supervisor")

    def write(self, values):
        """Refuse moving a customer's coordinates but for a supervisor: the
        distance of the salespeople's check-ins is measured against them."""
        names = [name for name in ("partner_latitude", "partner_longitude") if name in values]
        if names and not self._sales_may_move_coordinates():
            # Both rounded to the field's digits: the same coordinates still write.
            moved = self.filtered(lambda partner: any(
                partner._fields[name].convert_to_cache(values[name], partner)
                != partner._fields[name].convert_to_cache(partner[name], partner)
                for name in names))
            if moved:
                raise UserError(self.env._(
                    "Only a sales supervisor or director can change the coordinates of %s: "
                    "check-ins are measured against them.", moved[0].display_name))
        return super().write(values)

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

    @api.depends("sales_visit_ids.state", "sales_visit_ids.date",
                 "child_ids.sales_visit_ids.state", "child_ids.sales_visit_ids.date")
    def _compute_sales_last_visit_date(self):
        """From the visits to the partner and to its contacts, in the cache (read
        for all the partners at once), whoever's visits they are (computed as
        superuser): a visit to a company's buyer is a visit to the company."""
        for partner in self:
            visits = partner.sales_visit_ids | partner.child_ids.mapped("sales_visit_ids")
            done = visits.filtered(lambda visit: visit.state == "done").mapped("date")
            partner.sales_last_visit_date = max(done) if done else False

    @api.depends("sales_customer_class", "sales_last_visit_date")
    def _compute_sales_visit_due(self):
        """The due day of the next visit, in the days of the partner's company
        (the user's for a partner shared by all companies)."""
        today = fields.Date.context_today(self)
        for partner in self:
            company = partner.company_id or self.env.company
            days = company._sales_visit_days().get(partner.sales_customer_class)
            if not days:
                partner.sales_visit_due_date = False
                partner.sales_visit_overdue = False
                continue
            last = partner.sales_last_visit_date
            due = last + timedelta(days=days) if last else today
            partner.sales_visit_due_date = due
            partner.sales_visit_overdue = not last or due < today

    def _search_sales_visit_overdue(self, operator, value):
        """Overdue today, in the days of the user's company."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._(
                "Search the overdue customers with 'is set' or 'is not set'."))
        domain = self.env.company._sales_overdue_domain(fields.Date.context_today(self))
        if (operator == "=") == value:
            return domain
        # Without a class, a customer is never overdue (SQL's NOT skips NULLs).
        return ["|", ("sales_customer_class", "=", False), "!"] + domain

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

    def _compute_sales_target_rate(self):
        """Σ actual / Σ target of the distributors' own sales lines of the
        running month (one search and one computation of the lines' progress,
        ``sales.target.line._progress_values``); 0 without such a line, or for
        a user who may not read targets."""
        for partner in self:
            partner.sales_target_rate = 0.0
        targets = self.env["sales.target.line"]
        distributors = self.filtered("is_distributor")
        if not distributors or not targets.check_access_rights("read", raise_exception=False):
            return
        today = dates.local_today(self.env.user._sales_tz_name())
        lines = targets.search([
            ("partner_id", "in", distributors.ids), ("team_id", "=", False),
            ("user_id", "=", False), ("categ_id", "=", False),
            ("metric", "=", "sales"), ("period_type", "=", "month")]).filtered(
                lambda line: line.date_from <= today <= line.date_to)
        progress = lines._progress_values(today) if lines else {}
        sums = defaultdict(lambda: [0.0, 0.0])
        for line in lines:
            sums[line.partner_id.id][0] += progress[line.id]["actual_amount"]
            sums[line.partner_id.id][1] += line.target_amount
        for partner in distributors:
            actual, target = sums[partner.id]
            partner.sales_target_rate = 100.0 * actual / target if target else 0.0

    def action_sales_visits(self):
        return self._sales_open("sales_process_mgmt.sales_visit_action", [])

    def action_sales_market_reports(self):
        return self._sales_open("sales_process_mgmt.sales_market_report_action", [])

    def action_sales_targets(self):
        """The distributor's target lines, with their progress."""
        return self._sales_open("sales_process_mgmt.sales_target_line_action", [])

    def action_sales_complaints(self):
        return self._sales_open("sales_process_mgmt.sales_market_report_action",
                                [("is_complaint", "=", True)])

    def action_sales_plan_visit(self):
        """Open *Plan a Visit* for this customer."""
        self.ensure_one()
        return self.env["sales.visit.schedule"]._action_open(self)

    def _sales_open(self, xmlid, domain):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(domain=[("partner_id", "child_of", self.ids)] + domain,
                      context={"default_partner_id": self.id})
        return action
