"""One bulk INSERT for the core's fast paths (units, quants, timeline events).

:func:`create_records` is what the ORM's ``create`` does for many records whose
values differ only by a few fields, without the per-record work: one ORM-computed
prototype (defaults, stored computed fields) per distinct rest of the values, every
row written by one ``INSERT ... SELECT unnest(...)`` per batch (:func:`insert_rows`,
audit columns included), the inverse caches of the many2one columns updated (e.g.
a batch's one2many of units) and the ORM told of the new records (``modified()``).
Constraint checks stay with the caller, which knows what its records need.
"""

from collections import defaultdict
from operator import itemgetter

from odoo.tools import SQL, split_every

BULK_INSERT_BATCH = 20000
# Field types whose column value depends on the written value alone (no other
# value of the record, unlike monetary): converted once per distinct value.
BY_VALUE_TYPES = (
    "boolean",
    "integer",
    "float",
    "many2one",
    "selection",
    "date",
    "datetime",
)
# Columns the INSERT fills itself (or the database does).
META_FIELDS = ("id", "create_uid", "create_date", "write_uid", "write_date")


def create_overridden_only_by(model, modules):
    """Whether every override of ``create`` in ``model``'s classes comes from one of
    ``modules`` (Python module names): then :func:`create_records` plus what those
    overrides do gives what ``create`` gives."""
    return all(
        cls.__module__ in modules
        for cls in type(model).__mro__
        if "create" in vars(cls)
    )


def create_records(model, vals_list, varying, prototype):
    """Create records of ``model`` from ``vals_list`` as ``create`` would, in bulk.

    Values of the fields ``varying`` are written as given on each row; for each
    distinct rest of the values, ``prototype(vals)`` (``vals`` of the first row
    with that rest) returns a new record (``model.new(...)``) whose other stored
    values every row with that rest takes. Columns NULL in every row are left out
    (no column default either). Returns ``(records, written)``: the new records,
    in order, and the names of the written columns, for ``_validate_fields``."""
    fields_ = model._fields
    columns = [
        name
        for name, field in fields_.items()
        if field.store and field.column_type and name not in META_FIELDS
    ]
    varying_index = [(name, columns.index(name)) for name in varying]
    convert = _converter(model)
    rest_of = _rest_getter(varying)
    prototypes, rows = {}, []
    for vals in vals_list:
        key = rest_of(vals)
        proto = prototypes.get(key)
        if proto is None:
            record = prototype(dict(vals))
            stored = record._convert_to_write({name: record[name] for name in columns})
            proto = prototypes[key] = [
                fields_[name].convert_to_column_insert(stored[name], model, stored)
                for name in columns
            ]
        row = list(proto)
        for name, i in varying_index:
            row[i] = convert(name, vals.get(name), vals)
        rows.append(row)
    keep = [
        i
        for i in range(len(columns))
        if columns[i] in varying
        or any(proto[i] is not None for proto in prototypes.values())
    ]
    written = [columns[i] for i in keep]
    records = insert_rows(model, columns, keep, rows)
    _cache_followed(model, records, columns, rows, written)
    # Dependents elsewhere learn about the new records; their own computed columns
    # were computed on their prototype already and must not be again.
    with model.env.protecting([fields_[name] for name in columns], records):
        records.modified(written, create=True)
    return records, written


def _cache_followed(model, records, columns, rows, written):
    """Put in the cache the many2one values of the new ``records`` (from their
    ``rows``) that ``modified()`` follows to the records depending on them (a
    quant's unit and package, for their quantities): it would read each of them
    back from the database, 1,000 records a query. The ORM's cache format of a
    many2one is its column value (id or None; None in every row of a column
    left out of the INSERT)."""
    fields_ = model._fields
    tree = model.pool.get_trigger_tree([fields_[name] for name in written])
    followed = {
        inverse.name
        for field in tree
        if field is not None
        for inverse in model.pool.field_inverses[field]
        if inverse.model_name == model._name
        and inverse.type == "many2one"
        and inverse.name in columns
    }
    for name in followed:
        i = columns.index(name)
        fields_[name]._insert_cache(records, [row[i] for row in rows])


def _rest_getter(varying):
    """``rest_of(vals)``: a hashable key of the values of ``vals`` but those of
    the fields ``varying``, the same for equal values whatever the order of the
    keys (the names of the rest, sorted, and their values): one sort per
    distinct set of keys, not one per row."""
    varying = set(varying)
    getters = {}

    def rest_of(vals):
        names = tuple(vals)
        getter = getters.get(names)
        if getter is None:
            rest = tuple(sorted(name for name in names if name not in varying))
            getter = getters[names] = (rest, itemgetter(*rest) if rest else None)
        rest, get = getter
        return rest, get(vals) if rest else ()

    return rest_of


def _converter(model):
    """``convert(name, value, vals)``: the field's ``convert_to_column_insert`` of
    ``value``, computed once per distinct value for the types whose conversion
    depends on the value alone (20,000 quantities of a batch of quants are two
    values, each rounded to the field's digits and printed once)."""
    fields_ = model._fields
    memo = {}

    def convert(name, value, vals):
        by_value = not isinstance(value, (list, dict))
        if by_value:
            key = (name, value)
            # Only values of the types above are memoised.
            column = memo.get(key, memo)
            if column is not memo:
                return column
        field = fields_[name]
        column = field.convert_to_column_insert(value, model, vals)
        if by_value and field.type in BY_VALUE_TYPES:
            memo[key] = column
        return column

    return convert


def insert_rows(model, columns, keep, rows):
    """Insert ``rows`` (lists indexed like ``columns``; only the indexes ``keep``
    are written) into ``model``'s table; returns the new records, in row order."""
    fields_ = model._fields
    names = [columns[i] for i in keep]
    now = model.env.cr.now()
    uid = model.env.uid
    ids = []
    for chunk in split_every(BULK_INSERT_BATCH, rows, list):
        arrays = [
            SQL(
                "%s::%s[]",
                [row[i] for row in chunk],
                SQL(fields_[columns[i]].column_type[1]),
            )
            for i in keep
        ]
        query = SQL(
            """
            INSERT INTO %s (%s, create_uid, create_date, write_uid, write_date)
            SELECT v.*, %s, %s, %s, %s FROM unnest(%s) AS v
            RETURNING id
            """,
            SQL.identifier(model._table),
            SQL(", ").join(SQL.identifier(name) for name in names),
            uid,
            now,
            uid,
            now,
            SQL(", ").join(arrays),
        )
        ids += [row[0] for row in model.env.execute_query(query)]
    inverses = defaultdict(list)
    many2ones = [
        i
        for i in keep
        if fields_[columns[i]].type == "many2one"
        and model.pool.field_inverses[fields_[columns[i]]]
    ]
    for record_id, row in zip(ids, rows, strict=True):
        for i in many2ones:
            if row[i]:
                inverses[(fields_[columns[i]], row[i])].append(record_id)
    # Odoo's _update_inverses changes only the one2many values in the cache: a
    # value not cached (a unit created a moment ago has no quants cached) stays
    # so, and 10,000 calls that find nothing to do cost a tenth of a second.
    env = model.env
    for (field, value), record_ids in inverses.items():
        if any(
            value in invf._get_cache(env) for invf in model.pool.field_inverses[field]
        ):
            field._update_inverses(model.browse(record_ids), value)
    return model.browse(ids)
