"""ORM helpers shared by the models (no model)."""

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib.sql import insert_rows, update_rows
from ..lib.text import is_blank
from ..lib.values import value_problem


def check_not_blank(records, field_names):
    """Refuse records whose required text fields ``field_names`` hold only
    spaces: the database and the web client accept them as filled in."""
    for record in records:
        for name in field_names:
            if is_blank(record[name]):
                label = record._fields[name]._description_string(record.env)
                raise ValidationError(record.env._(
                    "Fill in '%s': spaces alone are not enough.",
                    label))


def check_company(model, values):
    """Refuse a document written into a company its author does not work for
    (over RPC, an import): the multi-company rules would refuse it only after
    the fact, with a generic access error.  In superuser mode (the scheduler,
    the installation) any company is accepted."""
    company_id = values.get("company_id")
    env = model.env
    if not company_id or env.su:
        return
    if not isinstance(company_id, int) or company_id not in env.user.company_ids.ids:
        # sudo: the name of a company the user may not read, for the message.
        company = env["res.company"].sudo().browse(
            company_id if isinstance(company_id, int) else []).exists()
        raise UserError(env._(
            "You do not work for %s: write the document in one of your companies.",
            company.name or company_id))


def check_input(model, values):
    """Refuse, with a message naming the field, a value of the wrong type sent
    to ``model``'s create or write (over RPC, an import): text for a number,
    an id that is not one, a date that is not a date, a choice not offered,
    lines in no form the ORM understands (see ``lib.values``).  Without this
    the database or the ORM fails and the user sees a server error."""
    env = model.env
    if not isinstance(values, dict):
        raise UserError(env._("A record's values are given as field names and values."))
    for name, value in values.items():
        field = model._fields.get(name)
        if field is None or isinstance(value, models.BaseModel):
            continue
        choices = field.get_values(env) if field.type == "selection" else ()
        problem = value_problem(field.type, value, choices)
        if problem:
            label = field._description_string(env)
            messages = {
                "text": env._("'%s' must be text.", label),
                "whole": env._("'%s' must be a whole number.", label),
                "number": env._("'%s' must be a number.", label),
                "large": env._("'%s' is too large.", label),
                "date": env._("'%s' must be a date between 1900 and 2999 (YYYY-MM-DD).", label),
                "datetime": env._("'%s' must be a date and time between 1900 and 2999 "
                                  "(YYYY-MM-DD HH:MM:SS).", label),
                "record": env._("'%s' must be a record chosen in the list.", label),
                "choice": env._("'%s' must be one of the choices offered.", label),
                "yes_no": env._("'%s' is either ticked or not.", label),
                "lines": env._("The lines of '%s' are not in a form Odoo understands.", label),
            }
            raise UserError(messages[problem])


def render_qweb(env, template, values):
    """The HTML (``Markup``) of the QWeb template of XML id ``template``
    rendered with ``values`` (escaped where the template uses ``t-out`` on
    text).  ``ir.qweb`` reads the template itself, whatever the rights of the
    user on the views."""
    return env["ir.qweb"]._render(template, values)


def cache_values(records, field_name, values):
    """Put ``values`` (one per record, in order) in the cache of the computed
    field ``field_name`` of ``records``, as its compute method would one by one."""
    field = records._fields[field_name]
    records.env.cache.update(records, field, [
        field.convert_to_cache(value, record, validate=False)
        for record, value in zip(records, values, strict=True)])


def bulk_write(records, values_by_id):
    """Write computed figures on many records in a fixed number of statements.

    ``values_by_id``: {id: values}, the same fields for every record.  Plain
    stored fields are written with one UPDATE, a many2many given as one
    ``(6, 0, ids)`` command with one DELETE and one INSERT of its relation
    rows; any other field goes through ``write``.  This bypasses the
    overrides of ``write``: it is for figures the workflow fills (a daily
    report's prefill, a weekly report's refresh), not for what a person types.

    As ``write`` does: the pending updates of these fields are flushed first
    (they would overwrite the UPDATE at the next flush), the fields depending
    on them are marked to recompute, and the cache of the written fields is
    invalidated.
    """
    if not values_by_id:
        return
    model = records.browse(list(values_by_id))
    names = sorted(next(iter(values_by_id.values())))
    columns, relations, others = [], [], []
    for name in names:
        field = model._fields[name]
        if field.type == "many2many" and field.store:
            relations.append(field)
        elif field.store and field.column_type and field.type != "one2many":
            columns.append(field)
        else:
            others.append(name)
    written = [field.name for field in columns + relations]
    model.flush_recordset(written)
    model.modified(written, before=True)
    cr = model.env.cr
    now = fields.Datetime.now()
    rows = [(record_id,) + tuple(_to_column(field, values[field.name]) for field in columns)
            + (model.env.uid, now) for record_id, values in values_by_id.items()]
    update_rows(cr, model._table,
                [(field.name, field.column_type[1]) for field in columns]
                + [("write_uid", "int4"), ("write_date", "timestamp")], rows)
    for field in relations:
        cr.execute(  # pylint: disable=sql-injection
            'DELETE FROM "%s" WHERE "%s" = ANY(%%s)' % (field.relation, field.column1),
            (list(values_by_id),))
        pairs = [(record_id, other_id) for record_id, values in values_by_id.items()
                 for other_id in _set_ids(values[field.name])]
        insert_rows_plain(cr, field.relation, [field.column1, field.column2], pairs)
    model.invalidate_recordset(written + ["write_uid", "write_date"], flush=False)
    model.modified(written)
    for record_id, values in values_by_id.items():
        if others:
            model.browse(record_id).write({name: values[name] for name in others})


def insert_rows_plain(cr, table, column_names, rows):
    """INSERT the pairs of a relation table (no id) in one statement."""
    if not rows:
        return
    cr.execute(  # pylint: disable=sql-injection
        'INSERT INTO "%s" (%s) SELECT * FROM unnest(%%s::int4[], %%s::int4[])'
        % (table, ", ".join('"%s"' % name for name in column_names)),
        [list(column) for column in zip(*rows, strict=True)])


def bulk_create(model, rows, unique=()):
    """Create records of ``model`` with plain stored values in one INSERT
    (``rows``: a list of dicts with the same keys); returns them.  For lines
    the workflow computes (a report's target lines), not for documents
    (except the weekly reports, which are the system's).  ``unique``: the
    columns of a unique constraint; the rows already there are left out (see
    ``lib.sql.insert_rows``).

    The one2many fields whose inverse is one of the values (the new lines'
    parents) are invalidated, and the fields depending on the new records
    marked to recompute, as ``create`` would."""
    if not rows:
        return model.browse()
    names = sorted(rows[0])
    fields_ = [model._fields[name] for name in names]
    model.flush_model()
    now = fields.Datetime.now()
    columns = [(field.name, field.column_type[1]) for field in fields_] + [
        ("create_uid", "int4"), ("create_date", "timestamp"),
        ("write_uid", "int4"), ("write_date", "timestamp")]
    ids = insert_rows(model.env.cr, model._table, columns, [
        tuple(_to_column(field, row[field.name]) for field in fields_)
        + (model.env.uid, now, model.env.uid, now) for row in rows], unique)
    records = model.browse(ids)
    for field in fields_:
        if field.type != "many2one":
            continue
        comodel = model.env[field.comodel_name]
        inverses = [name for name, other in comodel._fields.items()
                    if other.type == "one2many" and other.comodel_name == model._name
                    and other.inverse_name == field.name]
        if inverses:
            comodel.invalidate_model(inverses, flush=False)
    records.modified(names, create=True)
    return records


def delete_rows(model, column, ids):
    """DELETE the rows of ``model`` whose many2one ``column`` is in ``ids``
    (lines the workflow replaces), in one statement, as ``unlink`` would leave
    the cache: their parents' one2many read again."""
    model.flush_model()
    model.env.cr.execute(  # pylint: disable=sql-injection
        'DELETE FROM "%s" WHERE "%s" = ANY(%%s) RETURNING id' % (model._table, column),
        (list(ids),))
    deleted = model.browse([row[0] for row in model.env.cr.fetchall()])
    deleted.invalidate_recordset(flush=False)
    comodel = model.env[model._fields[column].comodel_name]
    inverses = [name for name, other in comodel._fields.items()
                if other.type == "one2many" and other.comodel_name == model._name
                and other.inverse_name == column]
    if inverses:
        comodel.invalidate_model(inverses, flush=False)
    return deleted


def _to_column(field, value):
    if field.type == "many2one":
        return value.id if hasattr(value, "id") else (value or None)
    if value is False and field.type not in ("boolean", "integer", "float", "monetary"):
        return None
    return value


def _set_ids(commands):
    """The ids of a many2many value given as [(6, 0, ids)]."""
    ids = []
    for command in commands or []:
        if command[0] != 6:
            raise ValueError("bulk_write takes a many2many as one (6, 0, ids) command")
        ids = list(command[2])
    return ids
