"""ORM helpers shared by the models (no model)."""

from odoo import SUPERUSER_ID, _, fields, models
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
                label = record._fields[name].get_description(record.env)["string"]
                raise ValidationError(_("Fill in '%s': spaces alone are not enough.")
                                      % label)


def check_company(model, values):
    """Refuse a document written into a company its author does not work for
    (over RPC, an import): the multi-company rules would refuse it only after
    the fact, with a generic access error.  The superuser (the scheduler, the
    installation) writes in any company."""
    company_id = values.get("company_id")
    env = model.env
    if not company_id or env.uid == SUPERUSER_ID:
        return
    if not isinstance(company_id, int) or company_id not in env.user.company_ids.ids:
        # sudo: the name of a company the user may not read, for the message.
        company = env["res.company"].sudo().browse(
            company_id if isinstance(company_id, int) else []).exists()
        raise UserError(_("You do not work for %s: write the document in one of your "
                          "companies.") % (company.name or company_id))


def check_input(model, values):
    """Refuse, with a message naming the field, a value of the wrong type sent
    to ``model``'s create or write (over RPC, an import): text for a number,
    an id that is not one, a date that is not a date, a choice not offered,
    lines in no form the ORM understands (see ``lib.values``).  Without this
    the database or the ORM fails and the user sees a server error."""
    if not isinstance(values, dict):
        raise UserError(_("A record's values are given as field names and values."))
    for name, value in values.items():
        field = model._fields.get(name)
        if field is None or isinstance(value, models.BaseModel):
            continue
        choices = field.get_values(model.env) if field.type == "selection" else ()
        problem = value_problem(field.type, value, choices)
        if problem:
            messages = {
                "text": _("'%s' must be text."),
                "whole": _("'%s' must be a whole number."),
                "number": _("'%s' must be a number."),
                "large": _("'%s' is too large."),
                "date": _("'%s' must be a date between 1900 and 2999 (YYYY-MM-DD)."),
                "datetime": _("'%s' must be a date and time between 1900 and 2999 "
                              "(YYYY-MM-DD HH:MM:SS)."),
                "record": _("'%s' must be a record chosen in the list."),
                "choice": _("'%s' must be one of the choices offered."),
                "yes_no": _("'%s' is either ticked or not."),
                "lines": _("The lines of '%s' are not in a form Odoo understands."),
            }
            raise UserError(messages[problem] % field.get_description(model.env)["string"])


def render_qweb(template, values):
    """The HTML text of the QWeb ``template`` (an ``ir.ui.view``) rendered
    with ``values`` (escaped where the template uses ``t-esc``)."""
    html = template.render(values)
    return html.decode() if isinstance(html, bytes) else html


def cache_values(records, field_name, values):
    """Put ``values`` (one per record, in order) in the cache of the computed
    field ``field_name`` of ``records``, as its compute method would one by one."""
    field = records._fields[field_name]
    cache = records.env.cache
    for record, value in zip(records, values, strict=True):
        cache.set(record, field, field.convert_to_cache(value, record, validate=False))


def bulk_write(records, values_by_id):
    """Write computed figures on many records in a fixed number of statements.

    ``values_by_id``: {id: values}, the same fields for every record.  Plain
    stored fields are written with one UPDATE, a many2many given as one
    ``(6, 0, ids)`` command with one DELETE and one INSERT of its relation
    rows; any other field goes through ``write``.  This bypasses the
    overrides of ``write``: it is for figures the workflow fills (a daily
    report's prefill, a weekly report's refresh), not for what a person types.
    The cache is invalidated and the fields depending on them are marked to
    recompute, as ``write`` would.
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
    written = [field.name for field in columns + relations]
    model.invalidate_cache(written, model.ids)
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
        [list(column) for column in zip(*rows)])


def bulk_create(model, rows, unique=()):
    """Create records of ``model`` with plain stored values in one INSERT
    (``rows``: a list of dicts with the same keys); returns them.  For lines
    the workflow computes (a report's target lines), not for documents
    (except the weekly reports, which are the system's).  ``unique``: the
    columns of a unique constraint; the rows already there are left out (see
    ``lib.sql.insert_rows``)."""
    if not rows:
        return model.browse()
    names = sorted(rows[0])
    fields_ = [model._fields[name] for name in names]
    now = fields.Datetime.now()
    columns = [(field.name, field.column_type[1]) for field in fields_] + [
        ("create_uid", "int4"), ("create_date", "timestamp"),
        ("write_uid", "int4"), ("write_date", "timestamp")]
    ids = insert_rows(model.env.cr, model._table, columns, [
        tuple(_to_column(field, row[field.name]) for field in fields_)
        + (model.env.uid, now, model.env.uid, now) for row in rows], unique)
    # The new lines' parents (their one2many) are read again from the database.
    model.invalidate_cache()
    return model.browse(ids)


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
