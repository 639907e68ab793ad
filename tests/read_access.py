"""Who reads which of Odoo's own sales records: a small company built the same
way in any database (with or without the addon), and the records of it each
user can read.  Used to compare a database before and after installing the
addon (tests/test_read_access.py)."""

import contextlib

from edition import (
    INVOICE_MODEL,
    as_user,
    close_environment,
    customer_values,
    has_right,
    invoice_orders,
    invoice_reference_field,
    join_team,
    new_environment,
    registry,
    set_invoice_reference,
)

MARK = "readcheck"
# Odoo's sales groups, and the addon's role that implies each.
ODOO_GROUPS = {
    "own": "sales_team.group_sale_salesman",
    "all": "sales_team.group_sale_salesman_all_leads",
    "manager": "sales_team.group_sale_manager",
    "employee": "base.group_user",
}
ADDON_ROLES = {
    "salesperson": ("sales_process_mgmt.group_salesperson", "own"),
    "supervisor": ("sales_process_mgmt.group_supervisor", "all"),
    "director": ("sales_process_mgmt.group_director", "manager"),
    "executive": ("sales_process_mgmt.group_executive", "employee"),
}
MODELS = ("sale.order", "crm.lead", INVOICE_MODEL, "res.partner")


@contextlib.contextmanager
def database(name):
    """A superuser environment on the database ``name``, rolled back at the end."""
    cr = registry(name).cursor()
    env = new_environment(cr)
    try:
        yield env
    finally:
        cr.rollback()
        close_environment(env)
        cr.close()


def _user(env, login, group, team=None):
    user = env["res.users"].with_context(no_reset_password=True).create({
        "name": login, "login": login, "email": "%s@example.com" % login,
        "groups_id": [(6, 0, [env.ref("base.group_user").id, env.ref(group).id])]})
    if team:
        join_team(user, team)
    return user


def build_company(env, roles):
    """Two teams, each with a salesperson of Odoo's "own documents" group, a
    customer, a lead, a quotation, a confirmed order and its invoice; users of
    ``roles`` ({name: group XML id}) in the North team.  Returns the users by
    name; every record is marked with MARK and its place, for comparing
    databases whose ids differ."""
    teams = {}
    users = {}
    for region in ("north", "south"):
        teams[region] = env["crm.team"].create({"name": "%s %s" % (MARK, region)})
        seller = _user(env, "%s_own_%s" % (MARK, region), ODOO_GROUPS["own"], teams[region])
        users["own_" + region] = seller
        customer = env["res.partner"].create(customer_values(
            name="%s customer %s" % (MARK, region), is_company=True,
            user_id=seller.id, team_id=teams[region].id))
        env["crm.lead"].create({"name": "%s lead %s" % (MARK, region), "type": "opportunity",
                                "user_id": seller.id, "team_id": teams[region].id,
                                "partner_id": customer.id})
        product = env["product.product"].create({"name": "%s product" % MARK,
                                                 "invoice_policy": "order"})
        for state in ("quotation", "order"):
            order = as_user(env["sale.order"], seller).create({
                "partner_id": customer.id, "client_order_ref": "%s %s %s" % (
                    MARK, state, region),
                "team_id": teams[region].id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1,
                                       "price_unit": 100.0})]}).sudo()
            if state == "order":
                order.action_confirm()
                invoice = invoice_orders(order)
                set_invoice_reference(invoice, "%s invoice %s" % (MARK, region))
    env["crm.lead"].create({"name": "%s lead unassigned" % MARK, "type": "lead"})
    for name, group in roles.items():
        users[name] = _user(env, "%s_%s" % (MARK, name), group, teams["north"])
    return users


def _label(record):
    if record._name == "sale.order":
        return record.client_order_ref
    if record._name == INVOICE_MODEL:
        return record[invoice_reference_field()]
    return record.name


def readable(env, user):
    """{model: sorted labels of the marked records ``user`` can read}."""
    result = {}
    for model in MODELS:
        records = as_user(env[model], user)
        if not has_right(records, "read"):
            result[model] = []
            continue
        field = {"sale.order": "client_order_ref",
                 INVOICE_MODEL: invoice_reference_field()}.get(model, "name")
        # The customers, not the partners of the users (their logins differ).
        prefix = MARK + " customer" if model == "res.partner" else MARK
        found = records.search([(field, "like", prefix + "%")])
        result[model] = sorted(_label(record.sudo()) for record in found)
    return result
