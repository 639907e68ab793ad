from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

# Deleted first, in this order: the documents whose activities, followers and
# messages point at users and teams that the uninstallation removes next.
DOCUMENTS = ["sales.weekly.report", "sales.market.report", "sales.coaching", "sales.meeting",
             "sales.daily.report", "sales.visit.plan", "sales.target.line", "sales.target"]


def uninstall_hook(env):
    """Delete every document of the addon before Odoo removes its data: the
    demo story creates many without an XML id, and their activities would
    keep the demo users from being deleted."""
    env = env(su=True, context=dict(env.context, **{MODULE_UNINSTALL_FLAG: True}))
    for model in DOCUMENTS:
        env[model].with_context(active_test=False).search([]).unlink()
