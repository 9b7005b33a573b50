from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL, split_every

from odoo.addons.stock.models.stock_quant import StockQuant as OdooStockQuant

from .stock_lot import BULK_INSERT_BATCH, META_FIELDS

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
        now = self.env.cr.now()
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
            ids += [
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        """
                        INSERT INTO stock_quant (%s, create_uid, create_date,
                                                 write_uid, write_date)
                        SELECT v.*, %s, %s, %s, %s FROM unnest(%s) AS v
                        RETURNING id
                        """,
                        SQL(", ").join(SQL.identifier(name) for name in names),
                        self.env.uid,
                        now,
                        self.env.uid,
                        now,
                        SQL(", ").join(arrays),
                    )
                )
            ]
        quants = Quant.browse(ids)
        inverses = defaultdict(list)
        many2ones = [
            i
            for i in keep
            if fields_[columns[i]].type == "many2one"
            and self.pool.field_inverses[fields_[columns[i]]]
        ]
        for quant_id, row in zip(ids, rows, strict=True):
            for i in many2ones:
                if row[i]:
                    inverses[(fields_[columns[i]], row[i])].append(quant_id)
        for (field, value), quant_ids in inverses.items():
            field._update_inverses(Quant.browse(quant_ids), value)
        with self.env.protecting([fields_[name] for name in columns], quants):
            quants.modified(names, create=True)
        quants.modified(list(VARYING))
        quants._validate_fields(names)
        return quants
