from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.stock.models.stock_quant import StockQuant as OdooStockQuant

from ..tools import bulk_insert, columns, constraints
from .serial_fast_internal_mixin import BATCH_RESERVATIONS

# What differs from one quant to the next of a fast validation: the rest (product,
# location...) is shared by all the quants of one location. The entry date varies
# too (a unit moved within our stock keeps its own): one prototype serves units of
# every date (what depends on a varying field is recomputed for the batch).
VARYING = ("lot_id", "quantity", "in_date")
# Field types that read() gives as cached, but None as False (the record format and
# the read format of Odoo's base field): product_expiry's dates of a unit.
PLAIN_READ_TYPES = ("date", "datetime", "selection")


class StockQuant(models.Model):
    _inherit = "stock.quant"

    @api.model
    def _update_reserved_quantity(
        self,
        product_id,
        location_id,
        quantity,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        # A reservation that stock.move.line._serial_create_reserved_lines writes
        # for the whole batch itself: taken out of its set, nothing done here.
        batch = self.env.context.get(BATCH_RESERVATIONS)
        if batch and quantity == 1 and lot_id and not package_id and not owner_id:
            key = (product_id.id, location_id.id, lot_id.id)
            if key in batch:
                batch.discard(key)
                return None
        return super()._update_reserved_quantity(
            product_id,
            location_id,
            quantity,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )

    @api.model
    def _serial_lotless_stock(self, product_ids, location_ids):
        """Whether any of ``product_ids`` is held without a lot or serial (a positive
        quant without ``lot_id``) at any of ``location_ids``: the fast paths leave
        such moves to Odoo's own path. Reads the quants as flushed by the caller."""
        return bool(
            self.env.execute_query(
                SQL(
                    """
                    SELECT 1 FROM stock_quant
                     WHERE product_id = ANY(%s) AND location_id = ANY(%s)
                       AND lot_id IS NULL AND quantity > 0
                     LIMIT 1
                    """,
                    list(product_ids),
                    list(location_ids),
                )
            )
        )

    def _serial_can_create_in_batch(self):
        """Whether :meth:`_serial_create_batch` and :meth:`_serial_empty_quants`
        give what Odoo's ``create`` and ``write`` give: no module of this database
        overrides ``stock.quant.create`` nor ``write`` but stock, and no inventory
        mode."""
        if self.env.context.get("inventory_mode"):
            return False
        for cls in type(self).__mro__:
            if cls is OdooStockQuant:
                return True
            if "create" in vars(cls) or "write" in vars(cls):
                return False
        return False

    def _serial_empty_quants(self):
        """``write({"quantity": 0, "reserved_quantity": 0})`` of the quants of
        ``self`` (each the one reserved unit a fast validation takes away), as one
        UPDATE of stock_quant instead of the ORM's one per hundred quants with
        every value converted; only when :meth:`_serial_can_create_in_batch`.
        Around it, what the ORM's write does: pending values of the two fields
        flushed, dependents told before and after (``modified()``: the units'
        location...), the cache invalidated, the constraints on the two fields
        checked. The audit columns get the ORM's values (the user, the
        transaction's time)."""
        fnames = ["quantity", "reserved_quantity"]
        if not self:
            return
        self.flush_recordset(fnames)
        self.modified(fnames, before=True)
        self.env.execute_query(
            SQL(
                """
                UPDATE stock_quant
                   SET quantity = 0, reserved_quantity = 0,
                       write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
                 WHERE id = ANY(%s)
                """,
                self.env.uid,
                list(self.ids),
            )
        )
        self.invalidate_recordset([*fnames, "write_uid", "write_date"])
        self.modified(fnames)
        self._validate_fields(fnames)

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
        now = fields.Datetime.now()
        vals_list = [
            {"inventory_quantity_set": False, "quantity": 0.0, "in_date": now, **vals}
            for vals in vals_list
        ]
        unit_fields = Quant._serial_unit_related(vals_list)

        def prototype(vals):
            for fname in unit_fields:
                vals.pop(fname)
            return Quant.new(Quant._add_missing_default_values(vals))

        quants, written = bulk_insert.create_records(
            Quant, vals_list, VARYING + tuple(unit_fields), prototype
        )
        quants.modified(list(VARYING))
        # Their values are written from the units already.
        for fname in unit_fields:
            self.env.remove_to_compute(Quant._fields[fname], quants)
        quants._serial_validate_batch(written, vals_list)
        return quants

    def _serial_validate_batch(self, written, vals_list):
        """``_validate_fields(written)`` of the new quants ``self`` (made from
        ``vals_list``, in order), Odoo's checks of a quant's product, location and
        unit run once per distinct product, location and unit's product (see
        :func:`~odoo.addons.serial_tracking.tools.constraints.validate_fields`);
        the units' products are read in one query."""
        by_id = dict(zip(self.ids, vals_list, strict=True))
        lot_ids = list({vals["lot_id"] for vals in vals_list if vals.get("lot_id")})
        lot_products = {
            lot_id: product_id
            for lot_id, (product_id, _company_id) in self.env["stock.lot"]
            ._serial_product_company(lot_ids)
            .items()
        }
        constraints.validate_fields(
            self,
            written,
            {
                OdooStockQuant.check_product_id: lambda q: by_id[q].get("product_id"),
                OdooStockQuant.check_location_id: lambda q: by_id[q].get("location_id"),
                OdooStockQuant.check_lot_id: lambda q: (
                    by_id[q].get("product_id"),
                    lot_products.get(by_id[q].get("lot_id")),
                ),
            },
        )

    @api.model
    def _serial_unit_related(self, vals_list):
        """The stored fields of quants related to their unit's (product_expiry's
        dates), each added to ``vals_list`` with its unit's value, so that the bulk
        insert writes them per quant instead of the ORM recomputing them for every
        quant. Only when no unit has them pending computation (then nothing)."""
        Lot = self.env["stock.lot"]
        related = {
            name: field.related.split(".", 1)[1]
            for name, field in self._fields.items()
            if field.store
            and field.related
            and field.related.startswith("lot_id.")
            and "." not in field.related.split(".", 1)[1]
        }
        lots = Lot.browse({vals["lot_id"] for vals in vals_list if vals.get("lot_id")})
        if not related or any(
            lots & self.env.records_to_compute(Lot._fields[path])
            for path in related.values()
        ):
            return []
        values = {
            name: dict(zip(lots._ids, _read_values(lots, path), strict=True))
            for name, path in related.items()
        }
        for vals in vals_list:
            lot_id = vals.get("lot_id")
            for name, by_lot in values.items():
                vals[name] = by_lot[lot_id] if lot_id else False
        return list(related)


def _read_values(records, fname):
    """``records.read([fname], load=None)``'s values of ``fname``, in order: of
    the plain field types read as cached (``None`` read as ``False``) straight
    from the cache (:func:`~odoo.addons.serial_tracking.tools.columns.cache_values`,
    without ``read``'s formatting of every record), of the others by ``read``."""
    if records._fields[fname].type in PLAIN_READ_TYPES:
        return [
            False if value is None else value
            for value in columns.cache_values(records, fname)
        ]
    rows = {row["id"]: row[fname] for row in records.read([fname], load=None)}
    return [rows[record_id] for record_id in records._ids]
