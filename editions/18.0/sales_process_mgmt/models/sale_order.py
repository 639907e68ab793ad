from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import dates


class SaleOrder(models.Model):
    """An order shows the visits it came from (R2, R5): chosen on the order, or
    found when it is confirmed (the visit of its salesperson to its customer on
    the order's day, in the salesperson's time zone), or added to the visit
    when the visit's results are recorded.  The visit then counts as
    effective."""

    _inherit = "sale.order"

    sales_visit_ids = fields.Many2many(
        "sales.visit", "sales_visit_sale_order_rel", "order_id", "visit_id",
        string="From Visits", copy=False,
        domain="[('partner_id', 'child_of', partner_id)]",
        help="The customer visits this order came from.")

    @api.constrains("sales_visit_ids")
    def _check_sales_visit_ids(self):
        """An order comes from visits to its own customer that the user may
        change and whose day is not reported yet (the link makes the visit
        effective).  The link found on confirmation is the system's (sudo)."""
        if self.env.su:
            return
        for order in self:
            visits = order.sales_visit_ids
            customer = order.partner_id.commercial_partner_id
            other = visits.filtered(
                lambda visit, customer=customer: visit.partner_id.commercial_partner_id
                != customer)
            if other:
                raise ValidationError(self.env._(
                    "%(visit)s is a visit to another customer than the order's.",
                    visit=other[0].display_name))
        # The rights and the reported days of all the orders' visits at once.
        visits = self.sales_visit_ids
        visits.check_access_rule("write")
        frozen = visits._reports_frozen()
        if frozen:
            raise ValidationError(self.env._(
                "The daily report of %s is submitted: its visits can no longer change.",
                frozen[0].date))

    def action_confirm(self):
        result = super().action_confirm()
        self._sales_link_visits()
        return result

    def _sales_link_visits(self):
        """Link each order without a visit to its salesperson's visits of its
        customer on the order's day: one search for all the orders."""
        orders = self.filtered(lambda order: not order.sales_visit_ids and order.user_id)
        if not orders:
            return
        days = {order: dates.local_date(order.user_id._sales_tz_name(order.company_id),
                                        order.date_order)
                for order in orders}
        # sudo: the link is made whoever confirms the order (a salesperson may
        # confirm a colleague's order the rules let them read).
        visits = self.env["sales.visit"].sudo().search([
            ("user_id", "in", orders.user_id.ids),
            ("partner_id", "child_of", orders.partner_id.commercial_partner_id.ids),
            ("date", "in", sorted(set(days.values()))),
            ("state", "!=", "missed"),
        ])
        by_key = defaultdict(list)
        for visit in visits:
            by_key[(visit.user_id.id, visit.partner_id.commercial_partner_id.id,
                    visit.date)].append(visit.id)
        for order in orders:
            found = by_key.get((order.user_id.id, order.partner_id.commercial_partner_id.id,
                                days[order]))
            if found:
                order.sudo().write({"sales_visit_ids": [(4, visit_id) for visit_id in found]})
