"""Constraint checks of many records at once, for the fast paths.

``_validate_fields`` runs every constraint method on every record. Some of Odoo's
constraints read only a few values of a record (a quant's location, a line's
product and its unit's product): on a batch of 100,000 rows whose values repeat,
running them on one record of each distinct combination of those values gives
the same outcome (the first offending combination raises Odoo's own message),
without reading every record into the cache.
"""


def validate_fields(records, field_names, grouped):
    """``records._validate_fields(field_names)`` where each constraint method found
    in ``grouped`` (``{function: key}``, ``key(record_id)`` the values the function
    reads) runs on one record per distinct key; the others, and any override of
    those functions, run on every record as usual."""
    field_names = set(field_names)
    records = records.sudo()
    for check in records._constraint_methods:
        if field_names.isdisjoint(check._constrains):
            continue
        key = grouped.get(check)
        if key is None:
            check(records)
            continue
        representatives = {}
        for record_id in records._ids:
            representatives.setdefault(key(record_id), record_id)
        check(records.browse(list(representatives.values())))
