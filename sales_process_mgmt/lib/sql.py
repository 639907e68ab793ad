"""PostgreSQL settings around the analytic queries (a database cursor only)."""

from contextlib import contextmanager


@contextmanager
def jit_disabled(cr):
    """Run the enclosed queries without PostgreSQL's JIT compiler.

    The planner over-estimates the cost of the analytic views (their estimate
    is far above the rows really read), so PostgreSQL 11+ JIT-compiles them:
    measured on 10,000 target lines, 2.8 s of compiling for 0.4 s of running.
    The setting is changed for this transaction only and put back afterwards
    (if a query fails, the transaction is rolled back anyway).
    """
    cr.execute("SELECT current_setting('jit', true)")
    previous = cr.fetchone()[0]
    if previous is None or previous == "off":  # before PostgreSQL 11, or already off
        yield
        return
    cr.execute("SET LOCAL jit = off")
    yield
    # Not in a ``finally``: after a failed query the transaction is aborted and
    # rolled back, which restores the setting; a statement here would only
    # hide the error.
    cr.execute("SELECT set_config('jit', %s, true)", (previous,))


def update_rows(cr, table, columns, rows):
    """Set ``columns`` (((name, SQL type), ...)) of the rows of ``table``
    given as (id, value, ...) in ``rows``, in one statement.  Names and types
    are the caller's own identifiers; the values are parameters."""
    if not rows:
        return
    arrays = ", ".join("%%s::%s[]" % sql_type for sql_type in ("int4",) + tuple(
        sql_type for _name, sql_type in columns))
    names = ", ".join(['"id"'] + ['"%s"' % name for name, _type in columns])
    assignments = ", ".join('"%s" = v."%s"' % (name, name) for name, _type in columns)
    cr.execute(  # pylint: disable=sql-injection
        'UPDATE "%s" t SET %s FROM unnest(%s) AS v(%s) WHERE t.id = v.id'
        % (table, assignments, arrays, names),
        [list(column) for column in zip(*rows)])


def insert_rows(cr, table, columns, rows, unique=()):
    """INSERT ``rows`` (tuples in the order of ``columns``: ((name, SQL type),
    ...)) into ``table`` in one statement; returns the new ids in order.

    ``unique``: the columns of a unique constraint of ``table``.  A row that
    already exists is then left out (``ON CONFLICT ... DO NOTHING``: no id
    for it).  One that a concurrent transaction inserted and committed after
    this one's snapshot makes PostgreSQL raise a serialization failure (in
    REPEATABLE READ, Odoo's isolation level), which Odoo's RPC layer retries
    with a new snapshot, instead of a unique violation, which it does not."""
    if not rows:
        return []
    arrays = ", ".join("%%s::%s[]" % sql_type for _name, sql_type in columns)
    names = ", ".join('"%s"' % name for name, _type in columns)
    conflict = (" ON CONFLICT (%s) DO NOTHING" % ", ".join('"%s"' % name for name in unique)
                if unique else "")
    cr.execute(  # pylint: disable=sql-injection
        'INSERT INTO "%s" (%s) SELECT * FROM unnest(%s)%s RETURNING id'
        % (table, names, arrays, conflict), [list(column) for column in zip(*rows)])
    return [row[0] for row in cr.fetchall()]
