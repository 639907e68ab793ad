from odoo import api, models

# The addons whose fields get stable XML ids (this one and its bridges).
MODULES = "sales_process_mgmt%"


class IrModelFields(models.Model):
    """Stable XML ids for the addon's fields.

    Odoo 11 names a field's XML id ``field_<table>_<field>``, and when that
    name is taken it appends the field's database id: ``plan_id`` of
    ``sales.visit`` and ``id`` of ``sales.visit.plan`` both want
    ``field_sales_visit_plan_id``, and one of them becomes
    ``field_sales_visit_plan_id_4878`` on one database and another number on
    the next.  The translation files refer to the fields by these XML ids, so
    a label whose XML id has a number is left in English on every other
    database.  Every field of the addon whose short name is ambiguous gets the
    name Odoo 12 and later give it, ``field_<model>__<field>``, whichever
    model was reflected first: the same name on every database."""

    _inherit = "ir.model.fields"

    @api.model
    def _reflect_model(self, model):
        result = super(IrModelFields, self)._reflect_model(model)
        # Only while this addon (or a bridge) is being loaded: the other
        # modules' loading has no field of the addon to rename.
        if (self.env.context.get("module") or "").startswith(MODULES.rstrip("%")):
            self._spm_stable_xmlids()
        return result

    @api.model
    def _spm_stable_xmlids(self):
        self.env.cr.execute("""
            WITH ambiguous AS (
                SELECT 'field_' || replace(model, '.', '_') || '_' || name AS short
                  FROM ir_model_fields
              GROUP BY 1
                HAVING count(*) > 1
            )
            UPDATE ir_model_data data
               SET name = 'field_' || replace(field.model, '.', '_') || '__' || field.name
              FROM ir_model_fields field, ambiguous
             WHERE data.model = 'ir.model.fields'
               AND data.res_id = field.id
               AND data.module LIKE %s
               AND ambiguous.short = 'field_' || replace(field.model, '.', '_') || '_' || field.name
               AND data.name != 'field_' || replace(field.model, '.', '_') || '__' || field.name
        """, (MODULES,))
