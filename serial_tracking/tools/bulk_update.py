"""One UPDATE per set of changed columns, for the move lines of a big validation.

The ORM writes a model's pending updates 100 records per statement
(``odoo.orm.models.UPDATE_BATCH_SIZE``: ``UPDATE ... FROM (VALUES ...)`` with a
parameter per value): validating 100,000 move lines sends 1,000 such statements,
each parsed and planned anew, which costs PostgreSQL about twice the time of the
row updates themselves. :func:`flush_model` is the ORM's ``flush_model`` with
the same values written by one ``UPDATE ... FROM unnest(...)`` per set of changed
fields (and batch of :data:`BATCH` records); the audit columns are set as the
ORM sets them. The cache is left as the ORM's flush leaves it (values kept,
nothing dirty). Fields whose column the ORM builds in SQL (translated,
company-dependent, context-dependent) and hierarchies (``parent_path``) go
through the ORM's flush.
"""

from collections import defaultdict

from odoo.tools import SQL, split_every

from .bulk_insert import BY_VALUE_TYPES

BATCH = 20000


def flush_model(model, fnames=None):
    """``model.flush_model(fnames)``, the updates written in bulk (see the module)."""
    model = model.browse()
    model._recompute_model(fnames)
    env = model.env
    field_dirty = env._field_dirty
    dirty = {
        field: field_dirty[field]
        for field in model._fields.values()
        if field_dirty.get(field)
    }
    if fnames is not None and not any(model._fields[f] in dirty for f in fnames):
        return
    if not dirty:
        return
    if not all(_plain(model, field) for field in dirty):
        model.flush_model(fnames)
        return
    record_ids = set().union(*dirty.values())
    groups = defaultdict(list)
    for record_id in sorted(record_ids):
        key = tuple(field for field, ids in dirty.items() if record_id in ids)
        groups[key].append(record_id)
    # Popped first, as the ORM's flush does: the values stay in the cache.
    for field in dirty:
        field_dirty.pop(field)
    for fields_, ids in groups.items():
        for chunk in split_every(BATCH, ids, list):
            _update(model, fields_, chunk)


def _plain(model, field):
    return (
        field.store
        and field.column_type
        and not field.translate
        and field.column_type[1] != "jsonb"
        and not field.company_dependent
        and field not in model.env._field_depends_context
        and not (model._parent_store and field.name == model._parent_name)
    )


def _update(model, fields_, ids):
    """Write the cached values of ``fields_`` of the records ``ids`` in one UPDATE,
    with ``write_uid``/``write_date`` as the ORM's ``_write_multi`` sets them
    (unless among ``fields_``)."""
    names = [field.name for field in fields_]
    arrays = [SQL("%s::int[]", ids)]
    for field in fields_:
        values = _column_values(model, field, ids)
        arrays.append(SQL("%s::%s[]", values, SQL(field.column_type[1])))
    assignments = [
        SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name in names
    ]
    if model._log_access:
        if "write_uid" not in names:
            assignments.append(SQL("write_uid = %s", model.env.uid))
        if "write_date" not in names:
            assignments.append(SQL("write_date = %s", model.env.cr.now()))
    # "id = ANY(...)" too: joined on the arrays alone, the planner hashes the
    # whole table (a sequential scan of every move line) to update 20,000 rows.
    model.env.execute_query(
        SQL(
            "UPDATE %s SET %s FROM unnest(%s) AS v(id, %s)"
            " WHERE %s.id = v.id AND %s.id = ANY(%s)",
            SQL.identifier(model._table),
            SQL(", ").join(assignments),
            SQL(", ").join(arrays),
            SQL(", ").join(SQL.identifier(name) for name in names),
            SQL.identifier(model._table),
            SQL.identifier(model._table),
            ids,
        )
    )


def _column_values(model, field, ids):
    """The cached values of ``field`` of the records ``ids`` as the ORM's flush
    writes them (``get_column_update``): converted once per distinct value for
    the types whose conversion depends on the value alone (a validation's
    10,000 lines have one state, one date, a few locations)."""
    if field.type not in BY_VALUE_TYPES:
        return [
            field.get_column_update(model.browse((record_id,))) for record_id in ids
        ]
    cache = field._get_cache(model.env)
    converted = {}
    values = []
    for record_id in ids:
        value = cache[record_id]
        try:
            values.append(converted[value])
        except KeyError:
            converted[value] = column = field.get_column_update(
                model.browse((record_id,))
            )
            values.append(column)
    return values
