"""The values of the units a receipt's move lines create, as Odoo prepares them,
for many lines at once.

Odoo asks each line for the values of its new unit
(``stock.move.line._prepare_new_lot_vals``): a dozen field reads per line, a
second for 10,000 lines on a busy machine. Odoo's own versions (stock, and
product_expiry's) read only the line's serial name, product, company and
expiration date, and the product's company: the values of a line are those of
any line with the same product, company and expiration date, but for the
name. :func:`new_lot_vals` asks one line of each such group and gives the
others its values with their own name; with any other override of the method,
every line is asked.
"""

from .columns import cache_values

# The modules whose _prepare_new_lot_vals read only what KEY_FIELDS name.
KNOWN_MODULES = {
    "odoo.addons.stock.models.stock_move_line",
    "odoo.addons.product_expiry.models.stock_move_line",
}
KEY_FIELDS = ("product_id", "company_id", "expiration_date")


def new_lot_vals(lines):
    """``[line._prepare_new_lot_vals() for line in lines]``, one call per
    distinct product, company and expiration date (see the module)."""
    known = all(
        cls.__module__ in KNOWN_MODULES
        for cls in type(lines).__mro__
        if "_prepare_new_lot_vals" in vars(cls)
    )
    if not known:
        return [line._prepare_new_lot_vals() for line in lines]
    names = cache_values(lines, "lot_name")
    keys = zip(
        *(cache_values(lines, fname) for fname in KEY_FIELDS if fname in lines._fields),
        strict=True,
    )
    prepared = {}
    vals_list = []
    for line_id, name, key in zip(lines._ids, names, keys, strict=True):
        name = False if name is None else name  # as the field reads
        vals = prepared.get(key)
        if vals is None:
            vals = prepared[key] = lines.browse(line_id)._prepare_new_lot_vals()
            if vals.get("name") != name:  # not the values this module expects
                return [line._prepare_new_lot_vals() for line in lines]
        vals_list.append({**vals, "name": name})
    return vals_list
