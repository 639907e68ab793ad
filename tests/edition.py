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
