from odoo import api, models

from odoo.addons.stock.models.stock_quant import StockQuant as OdooStockQuant

from ..tools import bulk_insert
from ..tools.bulk_insert import META_FIELDS

# What differs from one quant to the next of a fast validation: the rest (product,
# location, dates...) is shared by all the quants of one location.
VARYING = ("lot_id", "quantity")


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _serial_can_create_in_batch(self):
        """Whether :meth:`_serial_create_batch` gives what Odoo's ``create`` gives:
        no module of this database overrides ``stock.quant.create`` but stock, and
        no inventory mode."""
        if self.env.context.get("inventory_mode"):
            return False
        for cls in type(self).__mro__:
            if cls is OdooStockQuant:
                return True
            if "create" in vars(cls):
                return False
        return False

    @api.model
    def _serial_create_batch(self, vals_list):
        """Create quants like Odoo's ``_update_available_quantity`` does (outside
        inventory mode Odoo's ``stock.quant.create`` marks each quant's inventory
        quantity as not set and creates it alone), in bulk; only when
        :meth:`_serial_can_create_in_batch`.

        The ORM computes the values of one quant per distinct shared part (all but
        ``VARYING``): defaults, then every stored field. Every row goes in with one
        ``INSERT ... SELECT unnest(...)`` per batch (stock_quant), then, as after
        the ORM's create: inverse caches updated, ``modified()`` for dependents on
        other models, the quants' own stored fields that depend on a varying value
        marked for recomputation (the ORM computes them for the batch at the next
        flush), constraints checked."""
        if not vals_list:
            return self.browse()
        Quant = self.sudo()
        fields_ = Quant._fields
        columns = [
            name
            for name, field in fields_.items()
            if field.store and field.column_type and name not in META_FIELDS
        ]
        index = {name: i for i, name in enumerate(columns)}
        prototypes, rows = {}, []
        for vals in vals_list:
            vals = {"inventory_quantity_set": False, **vals}
            key = tuple(sorted((k, v) for k, v in vals.items() if k not in VARYING))
            proto = prototypes.get(key)
            if proto is None:
                record = Quant.new(Quant._add_missing_default_values(dict(vals)))
                stored = record._convert_to_write(
                    {name: record[name] for name in columns}
                )
                proto = prototypes[key] = [
                    fields_[name].convert_to_column_insert(stored[name], Quant, stored)
                    for name in columns
                ]
            row = list(proto)
            for name in VARYING:
                row[index[name]] = fields_[name].convert_to_column_insert(
                    vals.get(name) or (0.0 if name == "quantity" else None), Quant, vals
                )
            rows.append(row)
        keep = [
            i
            for i in range(len(columns))
            if columns[i] in VARYING
            or any(proto[i] is not None for proto in prototypes.values())
        ]
        names = [columns[i] for i in keep]
        quants = bulk_insert.insert_rows(Quant, columns, keep, rows)
        with self.env.protecting([fields_[name] for name in columns], quants):
            quants.modified(names, create=True)
        quants.modified(list(VARYING))
        quants._validate_fields(names)
        return quants
