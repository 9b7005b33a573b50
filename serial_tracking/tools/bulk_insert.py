"""One bulk INSERT for the core's fast paths (units, quants).

Rows are prepared by the caller from ORM-computed prototypes (column values already
converted with ``convert_to_column_insert``); this writes them with one
``INSERT ... SELECT unnest(...)`` per batch, as the ORM's create would (audit
columns included), and updates the inverse caches of the many2one columns (e.g. a
batch's one2many of units) as the ORM's create does. ``modified()`` and constraint
checks stay with the caller, which knows what its records need.
"""

from collections import defaultdict

from odoo.tools import SQL, split_every

BULK_INSERT_BATCH = 20000
# Columns the INSERT fills itself (or the database does).
META_FIELDS = ("id", "create_uid", "create_date", "write_uid", "write_date")


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
    for (field, value), record_ids in inverses.items():
        field._update_inverses(model.browse(record_ids), value)
    return model.browse(ids)
