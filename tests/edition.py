"""The thin layer that hides the differences between the Odoo versions the
behavioural suite runs on (11.0 and 18.0): the tests call these functions
instead of the version's own spelling, and compare dates as text."""

import odoo

SERIE = odoo.release.serie  # "11.0" or "18.0"
VERSION = int(SERIE.split(".")[0])


def as_user(records, user):
    """``records`` as ``user`` sees them (with the user's rights)."""
    if VERSION < 13:
        return records.sudo(user)
    return records.with_user(user)


def invalidate(records):
    """Forget what the cache holds of ``records`` (read them again)."""
    if VERSION < 13:
        records.invalidate_cache()
    else:
        records.invalidate_recordset()


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

    return Registry(db)


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
