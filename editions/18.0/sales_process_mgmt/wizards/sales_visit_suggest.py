from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import dates

# The order of the reasons: one line per customer or lead, for its first reason.
PRIORITY = ("collection", "complaint", "order", "service", "new_customer")
HORIZON_DAYS = 7  # opportunities whose activity or expected closing is this close


class SalesVisitSuggest(models.TransientModel):
    """*Suggest Visits* on a visit plan: the customers and leads of the plan's
    salesperson the ERP says need a visit on the plan's day, with the purpose
    and the reason; the salesperson ticks those to add.

    The reasons, each read with one query whatever the number of customers:
    overdue invoices (collection, with the amount due), opportunities with an
    activity or an expected closing in the next days (order taking), open
    complaints (complaint handling), customers overdue for the visit frequency
    of their class (service), leads never visited nor planned (new customer
    development).  Only the salesperson's own customers, opportunities and
    leads are proposed, never another's; those already in the plan are not.
    """

    _name = "sales.visit.suggest"
    _inherit = ["sales.input.mixin"]
    _description = "Suggest Visits"

    plan_id = fields.Many2one("sales.visit.plan", required=True, ondelete="cascade")
    line_ids = fields.One2many("sales.visit.suggest.line", "wizard_id", string="Suggestions")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        plan = self.env["sales.visit.plan"].browse(
            values.get("plan_id") or self.env.context.get("active_id"))
        if plan:
            # The suggestions read amounts due and leads as superuser: only
            # for someone who may change the plan (not an executive).
            if not self.env.user.has_group("sales_process_mgmt.group_salesperson"):
                raise AccessError(self.env._(
                    "Only the salespeople, their supervisors and the sales directors suggest "
                    "visits."))
            plan.check_access_rights("write")
            plan.check_access_rule("write")
            values["plan_id"] = plan.id
            values["line_ids"] = [(0, 0, line) for line in self._suggestions(plan)]
        return values

    @api.model
    def _suggestions(self, plan):
        """[values of a suggestion line] for ``plan``, in PRIORITY order."""
        return self._suggestions_of(plan.user_id, plan.date, plan.company_id, plan.visit_ids)

    @api.model
    def _suggestions_of(self, user, day, company, visits):
        """[values of a suggestion line] of ``user`` on ``day`` in ``company``,
        in PRIORITY order, but for what ``visits`` (that day's) already visit."""
        horizon = day + timedelta(days=HORIZON_DAYS)
        found = []
        # sudo (each read below): the suggestions are the salesperson's, whoever
        # of the salesperson, the supervisor or a director opens them; each
        # read is limited to the salesperson's own customers and leads.
        for partner, amount in self.env["account.move"].sudo()._read_group(
                [("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                 ("payment_state", "in", ("not_paid", "partial")),
                 ("invoice_date_due", "<", day), ("invoice_user_id", "=", user.id),
                 ("company_id", "=", company.id)],
                ["commercial_partner_id"], ["amount_residual_signed:sum"]):
            found.append({"partner_id": partner.id, "purpose": "collection",
                          "amount_due": amount, "reason": self.env._("Overdue invoices")})
        for lead in self.env["crm.lead"].sudo().search_read(
                [("type", "=", "opportunity"), ("user_id", "=", user.id),
                 ("company_id", "in", [company.id, False]),
                 ("probability", "<", 100), "|",
                 ("activity_date_deadline", "<=", horizon), "&",
                 ("date_deadline", ">=", day), ("date_deadline", "<=", horizon)],
                ["name", "partner_id", "activity_date_deadline", "date_deadline"]):
            when = lead["activity_date_deadline"] or lead["date_deadline"]
            found.append({"lead_id": lead["id"],
                          "partner_id": lead["partner_id"] and lead["partner_id"][0],
                          "purpose": "order",
                          "reason": self.env._("%(lead)s: next step on %(date)s",
                                               lead=lead["name"], date=when)})
        for report in self.env["sales.market.report"].sudo().search_read(
                [("is_complaint", "=", True), ("company_id", "=", company.id),
                 ("state", "in", ("new", "acknowledged", "in_progress")),
                 ("partner_id", "!=", False), "|", "|",
                 ("user_id", "=", user.id), ("reporter_id", "=", user.id),
                 ("partner_id.user_id", "=", user.id)],
                ["name", "title", "partner_id"]):
            found.append({"partner_id": report["partner_id"][0], "purpose": "complaint",
                          "reason": self.env._("Open complaint %(name)s: %(title)s",
                                               name=report["name"], title=report["title"])})
        overdue = company._sales_overdue_domain(day)
        # Translated once, not once per customer.
        visited = self.env._("Class %(class)s, last visit %(date)s")
        never = self.env._("Class %s, never visited")
        for partner in self.env["res.partner"].sudo().search_read(
                [("user_id", "=", user.id), ("company_id", "in", [company.id, False])]
                + overdue,
                ["sales_last_visit_date", "sales_customer_class"]):
            last = partner["sales_last_visit_date"]
            found.append({"partner_id": partner["id"], "purpose": "service",
                          "reason": visited % {"class": partner["sales_customer_class"].upper(),
                                               "date": last} if last else
                          never % partner["sales_customer_class"].upper()})
        for lead in self.env["crm.lead"].sudo().search_read(
                [("type", "=", "lead"), ("user_id", "=", user.id),
                 ("company_id", "in", [company.id, False]),
                 ("sales_last_visit_date", "=", False), ("sales_next_visit_date", "=", False)],
                ["name", "partner_id"]):
            found.append({"lead_id": lead["id"],
                          "partner_id": lead["partner_id"] and lead["partner_id"][0],
                          "purpose": "new_customer",
                          "reason": self.env._("New lead %s, never visited", lead["name"])})
        others = self._other_teams_customers(user, found)
        return self._merge(visits, [item for item in found
                                    if item.get("partner_id") not in others])

    @api.model
    def _other_teams_customers(self, user, found):
        """The ids of the customers in ``found`` whose salesperson is of
        another team than the salesperson's (a customer's team is its
        salesperson's): an opportunity or a complaint of the salesperson about
        them is left to their team.  One query whatever the customers."""
        members = user.sale_team_id.member_ids | user
        # sudo: the salesperson's rules may hide the other teams' customers.
        return set(self.env["res.partner"].sudo().search([
            ("id", "in", [item["partner_id"] for item in found if item.get("partner_id")]),
            ("user_id", "!=", False), ("user_id", "not in", members.ids)]).ids)

    @api.model
    def _merge(self, visits, found):
        """One line per customer (or lead without customer), for its first
        reason in PRIORITY order, the others added to its reason; none for
        what ``visits`` already visit."""
        planned = {("partner", visit.partner_id.id) for visit in visits
                   if visit.partner_id} | {("lead", visit.lead_id.id)
                                           for visit in visits if visit.lead_id}
        lines = {}
        for item in sorted(found, key=lambda item: PRIORITY.index(item["purpose"])):
            key = ("partner", item["partner_id"]) if item.get("partner_id") \
                else ("lead", item["lead_id"])
            if key in planned or (item.get("lead_id") and ("lead", item["lead_id"]) in planned):
                continue
            if key in lines:
                line = lines[key]
                line["reason"] = "%s; %s" % (line["reason"], item["reason"])
                line.setdefault("lead_id", item.get("lead_id"))
                continue
            lines[key] = dict(item, selected=False)
        return list(lines.values())

    def action_add(self):
        """Add the ticked suggestions to the plan."""
        self.ensure_one()
        chosen = self.line_ids.filtered("selected")
        if not chosen:
            raise UserError(self.env._("Tick the visits to add."))
        self._add_to_plan(self.plan_id, chosen)
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _add_to_plan(self, plan, chosen):
        """Add the suggestions ``chosen`` (records with a customer, a lead, a
        purpose and a reason) to ``plan``, an hour each from 9:00 (the
        salesperson's time), after the visits already planned that day."""
        if plan.state == "submitted":
            raise UserError(self.env._(
                "The plan of %s is waiting for approval: wait for it, or ask for it back, "
                "before adding a visit.", plan.date))
        tz_name = plan.user_id._sales_tz_name(plan.company_id)
        start = max([dates.local_to_utc(tz_name, plan.date, 9.0)]
                    + plan.visit_ids.mapped("planned_stop"))
        day_end = dates.local_to_utc(tz_name, plan.date, 24.0)
        fit = max(0, int((day_end - start).total_seconds() // 3600))
        if len(chosen) > fit:
            raise UserError(self.env._(
                "Only %s visits of an hour fit in the day after 9:00 and the visits already "
                "planned: tick fewer.", fit))
        for line in chosen:
            self.env["sales.visit"].create({
                "plan_id": plan.id,
                "partner_id": line.partner_id.id,
                "lead_id": line.lead_id.id,
                "purpose": line.purpose,
                "note": line.reason,
                "planned_start": start,
                "planned_stop": start + timedelta(hours=1),
            })
            start += timedelta(hours=1)
