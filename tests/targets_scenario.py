"""A small company built in the test's own transaction: two teams, three
salespeople, a distributor, product categories, and helpers to sell, invoice and
collect.  Used by the target tests; every figure they expect is worked out from
the amounts below."""


import contextlib

import pytest
from edition import VERSION, customer_values, forget, invoice_orders, join_team, pay


def make_user(env, login, team=None, *groups):
    group_ids = [env.ref("base.group_user").id] + [env.ref(g).id for g in groups]
    user = env["res.users"].with_context(no_reset_password=True).create({
        "name": login.replace("_", " ").title(),
        "login": login,
        "email": "%s@example.com" % login,
        "groups_id": [(6, 0, group_ids)],
    })
    if team:
        join_team(user, team)
    return user


class Scenario:
    def __init__(self, env):
        self.env = env
        self.company = env.ref("base.main_company")
        self.company.partner_id.tz = "Asia/Shanghai"
        salesperson = "sales_process_mgmt.group_salesperson"
        supervisor = "sales_process_mgmt.group_supervisor"
        self.director = make_user(env, "t_director", None, "sales_process_mgmt.group_director")
        self.executive = make_user(env, "t_executive", None, "sales_process_mgmt.group_executive")
        self.sup_north = make_user(env, "t_sup_north", None, supervisor)
        self.sup_south = make_user(env, "t_sup_south", None, supervisor)
        self.north = env["crm.team"].create({"name": "North", "user_id": self.sup_north.id})
        self.south = env["crm.team"].create({"name": "South", "user_id": self.sup_south.id})
        join_team(self.sup_north, self.north)
        join_team(self.sup_south, self.south)
        self.alice = make_user(env, "t_alice", self.north, salesperson)
        self.bob = make_user(env, "t_bob", self.north, salesperson)
        self.carol = make_user(env, "t_carol", self.south, salesperson)
        category = env["product.category"]
        self.drinks = category.create({"name": "Drinks"})
        self.tea = category.create({"name": "Tea", "parent_id": self.drinks.id})
        self.food = category.create({"name": "Food"})
        self.tea_product = self._product("Green Tea", self.tea, 60.0)
        self.bread = self._product("Bread", self.food, 20.0)
        partner = env["res.partner"]
        self.distributor = partner.create(customer_values(
            name="Dist Co", is_distributor=True, is_company=True))
        self.shop_x = partner.create(customer_values(
            name="Shop X", is_company=True, sales_distributor_id=self.distributor.id))
        self.shop_y = partner.create(customer_values(
            name="Shop Y", is_company=True, user_id=self.bob.id, team_id=self.north.id))
        self.plan = env["sales.target"].create({
            "name": "Plan 2026", "date_from": "2026-01-01", "date_to": "2026-12-31"})

    def _product(self, name, categ, cost):
        return self.env["product.product"].create({
            "name": name, "categ_id": categ.id, "type": "consu", "standard_price": cost,
            "invoice_policy": "order", "list_price": 1.0})

    def order(self, user, partner, date_order, lines, confirm=True):
        """A sale order at ``date_order`` (UTC), lines = [(product, qty, unit price)]."""
        order = self.env["sale.order"].create({
            "partner_id": partner.id,
            "user_id": user.id,
            "team_id": user.sale_team_id.id,
            "date_order": date_order,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty,
                                   "price_unit": price, "tax_id": [(6, 0, [])]})
                           for product, qty, price in lines],
        })
        if confirm:
            order.action_confirm()
            order.date_order = date_order  # action_confirm keeps it; make it explicit
        return order

    def invoice(self, order):
        return invoice_orders(order)

    def pay(self, partner, amount, date, invoices=None):
        return pay(self.env, partner, amount, date, invoices)

    def opportunity(self, user, revenue, probability, deadline, team=None, partner=None):
        """An open opportunity of ``user`` (in ``team``, by default the user's)
        for ``partner`` (Shop Y), expected to close on ``deadline``."""
        revenue_field = "planned_revenue" if VERSION < 13 else "expected_revenue"
        return self.env["crm.lead"].create({
            "name": "%s %.0f@%d" % (user.name, revenue, probability),
            "type": "opportunity",
            "user_id": user.id,
            "team_id": (team or user.sale_team_id).id,
            "partner_id": (partner or self.shop_y).id,
            revenue_field: revenue,
            "probability": probability,
            "date_deadline": deadline,
        })

    def line(self, metric, date_from, date_to, target=1000.0, **keys):
        values = {"target_id": self.plan.id, "metric": metric, "date_from": date_from,
                  "date_to": date_to, "target_amount": target}
        values.update({key: record.id for key, record in keys.items()})
        return self.env["sales.target.line"].create(values)


@contextlib.contextmanager
def refused(env, exception, match=None):
    """Expect ``exception``, and roll back what the refused operation did, as the
    web client's request would: the test then checks nothing was changed."""
    with pytest.raises(exception, match=match):
        with env.cr.savepoint():
            yield
    forget(env)
