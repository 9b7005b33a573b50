from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..tools import gs1

# Fields of a unit an API answer carries, as ``read`` gives them.
API_UNIT_FIELDS = (
    "name",
    "product_id",
    "company_id",
    "unit_state",
    "customer_id",
    "location_id",
    "batch_id",
    "manufacturer_serial",
    "receipt_date",
    "manufacture_date",
    "delivery_date",
    "warranty_end_date",
    "expiration_date",
)
API_EVENT_FIELDS = (
    "date",
    "event_type",
    "location_id",
    "location_dest_id",
    "partner_id",
    "picking_id",
    "reference",
    "description",
)
API_MAX_LIMIT = 1000


class SerialUnitApiMixin(models.AbstractModel):
    """The units' external API (JSON-2, ``/json/2/stock.lot/<method>``): public,
    read-only methods of ``stock.lot``; the caller's rights and record rules
    apply."""

    _name = "serial.unit.api.mixin"
    _description = "Serial unit external API"

    @api.model
    @api.readonly
    def lookup_units(
        self, serial=None, gtin=None, manufacturer_serial=None, code=None, limit=80
    ):
        """Serial units by exact serial, GTIN + serial, manufacturer serial, or any
        code a label carries (``code``: serial, manufacturer serial or GS1 barcode,
        as the unit search box reads it). Criteria given together must all match.

        Returns a list of dicts (``id`` and :data:`API_UNIT_FIELDS`, relations as
        ``[id, name]``), at most ``limit`` (at most 1000), ordered by id.
        """
        domain = Domain("product_id.tracking", "=", "serial")
        if serial:
            domain &= Domain("name", "=", serial)
        if manufacturer_serial:
            domain &= Domain("manufacturer_serial", "=", manufacturer_serial)
        if gtin:
            gtin14 = str(gtin).strip().zfill(14)
            if not (gtin14.isdigit() and len(gtin14) == 14):
                raise UserError(
                    self.env._("%(gtin)s is not a GTIN (8 to 14 digits).", gtin=gtin)
                )
            domain &= Domain("product_id.barcode", "in", gs1.gtin_variants(gtin14))
        if code:
            domain &= self._serial_code_domain(code, operator="=")
        if not (serial or gtin or manufacturer_serial or code):
            raise UserError(
                self.env._(
                    "Give a serial, a GTIN and serial, a manufacturer serial or a code."
                )
            )
        if gtin and not (serial or manufacturer_serial or code):
            raise UserError(
                self.env._("A GTIN names a product, not a unit: give its serial too.")
            )
        if not isinstance(limit, int) or not 0 < limit <= API_MAX_LIMIT:
            raise UserError(
                self.env._(
                    "limit must be a whole number from 1 to %(max)s.", max=API_MAX_LIMIT
                )
            )
        units = self.search(domain, limit=limit, order="id")
        return units.read(list(API_UNIT_FIELDS))

    @api.readonly
    def unit_history(self):
        """The timeline of each unit of ``self``, oldest event first: a list of
        ``{"id", "name", "product_id", "events": [...]}`` (events as
        :data:`API_EVENT_FIELDS`)."""
        self.check_access("read")
        events = self.env["serial.event"].search(
            [("lot_id", "in", self.ids)], order="date, id"
        )
        by_lot = {lot.id: [] for lot in self}
        for event, values in zip(
            events, events.read(list(API_EVENT_FIELDS)), strict=True
        ):
            by_lot[event.lot_id.id].append(values)
        return [
            {
                "id": lot.id,
                "name": lot.name,
                "product_id": [lot.product_id.id, lot.product_id.display_name],
                "events": by_lot[lot.id],
            }
            for lot in self
        ]
