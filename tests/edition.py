"""The thin layer that hides the differences between the Odoo versions the
behavioural suite runs on (11.0 and 18.0): the tests call these functions
instead of the version's own spelling, and compare dates as text."""

from pathlib import Path

import odoo

SERIE = odoo.release.serie  # "11.0" or "18.0"
VERSION = int(SERIE.split(".")[0])
ROOT = Path(__file__).resolve().parent.parent
# The folder of the edition's addons.
ADDONS = ROOT if VERSION < 13 else ROOT / "editions" / SERIE


def as_user(records, user):
    """``records`` as ``user`` sees them (with the user's rights)."""
    if VERSION < 13:
        return records.sudo(user)
    return records.with_user(user)


def invalidate(records, fnames=None):
    """Forget what the cache holds of ``records`` (read them again); an empty
    recordset forgets the whole model."""
    if VERSION < 13:
        records.invalidate_cache(fnames, records.ids or None)
    elif records:
        records.invalidate_recordset(fnames)
    else:
        records.invalidate_model(fnames)


def render_pdf(report, ids):
    """The PDF bytes of the report action ``report`` for the records ``ids``
    (rendered for real, not as the HTML Odoo returns under tests)."""
    report = report.with_context(force_report_rendering=True)
    if VERSION < 13:
        return report.render_qweb_pdf(ids)[0]
    return report.env["ir.actions.report"]._render_qweb_pdf(report.report_name, ids)[0]


def render_xlsx(report, ids, data=None):
    """(content, "xlsx") of the XLSX report action ``report`` (OCA report_xlsx)."""
    if VERSION < 13:
        return report.render_xlsx(ids, data or {})
    return report.env["ir.actions.report"]._render_xlsx(report.report_name, ids, data or {})


def board_arch(board, view):
    """The arch of the board view ``view`` as the web client receives it for
    the user of ``board`` (a ``board.board`` recordset)."""
    if VERSION < 13:
        return board.fields_view_get(view.id, "form")["arch"]
    return board.get_view(view.id, "form")["arch"]


def load_language(env, lang, modules):
    """Activate ``lang`` and load the translations of ``modules`` into it."""
    if VERSION < 13:
        env["res.lang"].load_lang(lang)
        env["ir.translation"].load_module_terms(modules, [lang])
    else:
        env["res.lang"]._activate_lang(lang)
        env["ir.module.module"].search([("name", "in", modules)])._update_translations(
            [lang], overwrite=True)


# ---------------------------------------------------------------- database


def registry(db):
    """The registry of the database ``db`` (loaded once per process)."""
    if VERSION < 13:
        return odoo.registry(db)
    from odoo.modules.registry import Registry

    if db in Registry.registries:
        return Registry(db)
    # pytest-odoo runs with test_enable: loading another database's registry
    # would then look for the addons' own at_install tests.
    options = odoo.tools.config.options
    saved = options.get("test_enable")
    options["test_enable"] = False
    try:
        return Registry(db)
    finally:
        options["test_enable"] = saved


def new_environment(cr):
    """A superuser environment on the cursor ``cr``, with its own caches."""
    if VERSION < 13:
        odoo.api.Environment.reset()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def forget(env):
    """Drop what the environment holds in memory (after a rollback)."""
    if VERSION < 13:
        env.clear()
    else:
        env.invalidate_all(flush=False)
        env.transaction.clear()


def close_environment(env):
    forget(env)
    if VERSION < 13:
        odoo.api.Environment.reset()


# ------------------------------------------------------------------ access


def has_right(model, operation):
    """Whether the access rights (not the rules) let the model's user ``operation``."""
    if VERSION < 13:
        return model.check_access_rights(operation, raise_exception=False)
    return model.browse().has_access(operation)


def may(records, operation):
    """Whether the user of ``records`` may ``operation`` them (rights and rules)."""
    if VERSION < 13:
        from odoo.exceptions import AccessError

        try:
            records.check_access_rights(operation)
            records.check_access_rule(operation)
        except AccessError:
            return False
        return True
    return records.has_access(operation)


# ------------------------------------------------------------ sales records

# What makes a partner a customer.
CUSTOMER = {"customer": True} if VERSION < 13 else {"customer_rank": 1}
INVOICE_MODEL = "account.invoice" if VERSION < 13 else "account.move"
# Odoo 11's sale_expense lets every employee read every confirmed order.
SALE_EXPENSE_READS_ORDERS = VERSION < 13
# The unit price of an expense claim (hr.expense).
EXPENSE_UNIT_PRICE = "unit_amount" if VERSION < 13 else "price_unit"


def invoice_orders(orders):
    """Invoice the confirmed ``orders`` and post (open) the invoices."""
    env = orders.env
    if VERSION < 13:
        invoices = env["account.invoice"].browse(orders.action_invoice_create())
        invoices.action_invoice_open()
        return invoices
    invoices = orders._create_invoices()
    invoices.action_post()
    return invoices


def cancel_order(order):
    """Cancel ``order`` (Odoo 18's button asks first in a dialog)."""
    if VERSION < 13:
        order.action_cancel()
    else:
        order._action_cancel()


def set_due_date(invoice, day):
    invoice.write({"date_due" if VERSION < 13 else "invoice_date_due": day})


def set_invoice_reference(invoice, text):
    invoice.write({"reference" if VERSION < 13 else "ref": text})


def invoice_reference_field():
    return "reference" if VERSION < 13 else "ref"


def pay(env, partner, amount, day, invoices=None, journal=None):
    """A posted customer payment of ``partner``, reconciled with ``invoices``
    (in their order, each for what it still owes) when given."""
    journal = journal or env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", env.ref("base.main_company").id)],
        limit=1)
    if VERSION < 13:
        payment = env["account.payment"].create({
            "payment_type": "inbound", "partner_type": "customer", "partner_id": partner.id,
            "amount": amount, "journal_id": journal.id, "payment_date": day,
            "payment_method_id": env.ref("account.account_payment_method_manual_in").id,
            "invoice_ids": [(6, 0, invoices.ids)] if invoices else [],
        })
        payment.post()
        return payment
    payment = env["account.payment"].create({
        "payment_type": "inbound", "partner_type": "customer", "partner_id": partner.id,
        "amount": amount, "journal_id": journal.id, "date": day,
    })
    payment.action_post()
    if invoices:
        receivable = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable")
        for invoice in invoices:
            owed = invoice.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
                and not line.reconciled)
            if receivable.reconciled:
                break
            (receivable | owed).with_context(no_exchange_difference=True).reconcile()
    return payment


def odoo_command():
    """The command that starts this Odoo (server, -i, --stop-after-init...):
    for 11.0 the project's entry point with its compatibility layer, for 18.0
    the odoo-bin of the environment given to setup/test (SPM_ODOO18_BIN)."""
    import os
    import sys
    from pathlib import Path

    if VERSION < 13:
        return [sys.executable, str(Path(__file__).resolve().parent.parent / "setup" /
                                    "odoo-bin")]
    return [sys.executable, os.environ["SPM_ODOO18_BIN"]]


def manifest(addon):
    """The manifest of ``addon`` as this Odoo reads it."""
    if VERSION < 13:
        from odoo.modules.module import load_information_from_description_file

        return load_information_from_description_file(addon)
    from odoo.modules.module import get_manifest

    return get_manifest(addon)


# The README's section on installing the edition into an existing Odoo.
README_INSTALL_SECTION = ("## Installing into an existing Odoo 11" if VERSION < 13
                          else "## Installing into your Odoo 18")


def customer_values(**values):
    """The values of a customer: Odoo 18's partners have no sales team (a
    customer's team is its salesperson's)."""
    values = dict(CUSTOMER, **values)
    if VERSION >= 13:
        values.pop("team_id", None)
    return values


def join_team(user, team):
    """Make ``team`` the sales team of ``user`` (Odoo 18: its membership)."""
    if VERSION < 13:
        user.sale_team_id = team
    else:
        team.member_ids = [(4, user.id)]


def root_menu_names(menus):
    """The names of the applications in the web client's menu (``menus``: the
    ir.ui.menu model as a user)."""
    loaded = menus.load_menus(debug=False)
    if VERSION < 13:
        return {menu["name"] for menu in loaded["children"]}
    return {loaded[menu_id]["name"] for menu_id in loaded["root"]["children"]}


def as_text(value):
    """Dates and datetimes as Odoo 11 gives them ("2026-03-10",
    "2026-03-10 13:00:00"), inside lists, tuples and sets too: the tests write
    their expected dates as text."""
    import datetime

    if isinstance(value, (datetime.date, datetime.datetime)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return type(value)(as_text(item) for item in value)
    return value


def flush(env):
    """Write what the ORM holds back (Odoo 18 delays writes and computations)
    before the test reads or writes the database in SQL."""
    if VERSION < 13:
        env["res.users"].recompute()
    else:
        env.flush_all()


def in_company(records, user, company):
    """``records`` as ``user`` working in ``company`` (made one of theirs):
    Odoo 11's current company of the user, Odoo 18's company switcher."""
    user.sudo().write({"company_ids": [(4, company.id)]})
    if VERSION < 13:
        user.sudo().write({"company_id": company.id})
        return records.sudo(user)
    return records.with_user(user).with_context(allowed_company_ids=[company.id])


def new_company(env, name):
    """A second company, in the currency of the first (no chart of accounts:
    the addon's documents need none)."""
    return env["res.company"].create({"name": name,
                                      "currency_id": env.ref("base.main_company").currency_id.id})


def autocommit(cr):
    """Let ``cr`` run statements outside a transaction (DROP DATABASE)."""
    if VERSION < 13:
        cr.autocommit(True)
    else:
        cr._cnx.autocommit = True
