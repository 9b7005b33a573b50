"""What Odoo's smart buttons need: the count of a record's related rows (one grouped
query for a whole recordset) and the action listing them."""


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


def related_action(record, xml_id, field, **context):
    """Odoo's window action ``xml_id`` (the smart button's) listing the rows whose
    many2one ``field`` is ``record``; a new row defaults to it (``context`` adds or
    overrides keys)."""
    record.ensure_one()
    action = record.env["ir.actions.act_window"]._for_xml_id(xml_id)
    action["domain"] = [(field, "=", record.id)]
    action["context"] = {f"default_{field}": record.id, **context}
    return action
