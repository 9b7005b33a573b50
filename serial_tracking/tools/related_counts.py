"""Counts of related records, as Odoo's smart buttons show them: one grouped query
for a whole recordset."""


def related_counts(records, model, field):
    """``{record: count}`` of the ``model`` rows whose many2one ``field`` is one of
    ``records`` (records without any are absent)."""
    return dict(
        records.env[model]._read_group(
            [(field, "in", records.ids)], [field], ["__count"]
        )
    )


def set_related_counts(records, count_field, model, field):
    """Set ``count_field`` of each of ``records`` to its :func:`related_counts`
    (0 without any): the body of a ``_compute_<x>_count``."""
    counts = related_counts(records, model, field)
    for record in records:
        record[count_field] = counts.get(record, 0)
