from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.pending_receipts import pending_receipts_sql
from .stock_lot import INTERNAL_USAGES, STATE_BY_EXIT_USAGE

# The timeline event of a unit leaving our stock: named after the state it ends in,
# but a unit sent back to its vendor is a return, not a delivery.
EXIT_EVENT_BY_USAGE = {**STATE_BY_EXIT_USAGE, "supplier": "vendor_return"}
REFRESH_FIELDS = {"lot_id", "quantity", "location_id", "location_dest_id"}


class StockMoveLine(models.Model):
    # The fast paths of validation are mixins of their own.
    _name = "stock.move.line"
    _inherit = (
        "stock.move.line",
        "serial.fast.common.mixin",
        "serial.fast.receipt.mixin",
        "serial.fast.delivery.mixin",
        "serial.fast.internal.mixin",
    )

    # Unit states, timelines and scans read move lines by serial: Odoo 19 has no index
    # on stock_move_line.lot_id.
    _serial_lot_id_idx = models.Index("(lot_id) WHERE lot_id IS NOT NULL")

    lot_handling_instructions = fields.Text(
        related="lot_id.handling_instructions", string="Handling Instructions"
    )
    lot_unit_state = fields.Selection(related="lot_id.unit_state", string="Unit Status")

    @api.constrains("lot_id", "company_id")
    def _check_lot_company(self):
        """Odoo does not enforce ``check_company`` on move lines: a unit of another
        company must never be moved (or shipped) by this one."""
        foreign = self.filtered(
            lambda line: (
                line.lot_id.company_id
                and line.company_id
                and line.lot_id.company_id != line.company_id
            )
        )
        if foreign:
            raise ValidationError(
                self.env._(
                    "These units belong to another company and cannot be moved here:"
                    "\n%(units)s",
                    units="\n".join(
                        f" - {line.lot_id.display_name} ({line.lot_id.company_id.name})"
                        for line in foreign
                    ),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._serial_refresh_units()
        return lines

    def write(self, vals):
        # A transfer being validated in the background is locked.
        self.picking_id._serial_check_not_busy()
        if (
            self.env.context.get("serial_defer_refresh")
            or not REFRESH_FIELDS & vals.keys()
        ):
            return super().write(vals)
        lots_before = self._serial_lines_to_refresh().lot_id
        res = super().write(vals)
        (lots_before | self._serial_lines_to_refresh().lot_id)._refresh_unit_state()
        return res

    def unlink(self):
        self.picking_id._serial_check_not_busy()
        lots = self._serial_lines_to_refresh().lot_id
        res = super().unlink()
        lots._refresh_unit_state()
        return res

    def _serial_lines_to_refresh(self):
        """Lines whose change can alter a unit's state: reservations, done lines."""
        if self.env.context.get("serial_defer_refresh"):
            return self.browse()
        return self.filtered(
            lambda line: (
                line.lot_id
                and line.product_id.tracking == "serial"
                and (line.state == "done" or line.location_id.usage in INTERNAL_USAGES)
            )
        )

    def _serial_refresh_units(self):
        self._serial_lines_to_refresh().lot_id._refresh_unit_state()

    def _serial_event_type(self):
        self.ensure_one()
        src, dst = self.location_id.usage, self.location_dest_id.usage
        if self.move_id.scrap_id:
            return "scrapped"
        if self.move_id.is_inventory:
            return "adjusted"
        if dst in INTERNAL_USAGES:
            if src in INTERNAL_USAGES:
                return "moved"
            return "returned" if src == "customer" else "received"
        return EXIT_EVENT_BY_USAGE.get(dst, "moved")

    def _prepare_serial_event_vals(self, date):
        self.ensure_one()
        move = self.move_id
        return {
            "lot_id": self.lot_id.id,
            "event_type": self._serial_event_type(),
            "date": date,
            "user_id": self.env.uid,
            "location_id": self.location_id.id,
            "location_dest_id": self.location_dest_id.id,
            "partner_id": (self.picking_id.partner_id or move.partner_id).id,
            "picking_id": self.picking_id.id,
            "move_id": move.id,
            "reference": move.reference or self.reference,
        }

    def _serial_log_done_events(self):
        """The timeline entries of done lines: one create for the whole validation.
        Lines of one move between the same two locations give the same event but
        for its unit: :meth:`_prepare_serial_event_vals` runs on one line of each
        such group (the lines read in one query)."""
        now = fields.Datetime.now()
        self.flush_model(
            ["lot_id", "move_id", "picking_id", "location_id", "location_dest_id"]
        )
        groups = {}
        for line_id, lot_id, *key in self.env.execute_query(
            SQL(
                """
                SELECT id, lot_id, move_id, picking_id, location_id, location_dest_id
                  FROM stock_move_line
                 WHERE id = ANY(%s)
                 ORDER BY id
                """,
                list(self.ids),
            )
        ):
            groups.setdefault(tuple(key), (line_id, []))[1].append(lot_id)
        vals_list = []
        for line_id, lot_ids in groups.values():
            vals = self.browse(line_id)._prepare_serial_event_vals(now)
            vals_list += [dict(vals, lot_id=lot_id) for lot_id in lot_ids]
        return self.env["serial.event"]._serial_create_events(vals_list)

    # ----------------------------------------------------------------------------
    # The fast path of validating big receipts of serial units.
    #
    # Odoo's ``stock.move.line._action_done`` moves one unit at a time: a search and a
    # write per serial, two quant lookups, two quant creates and an availability query
    # per move line (~4-8 ms a unit). For the receipts where the outcome per unit is
    # known in advance (see ``serial.fast.receipt.mixin``), the same
    # rows are written once per batch through the ORM, and the rest of the validation
    # (moves, valuation, accounting, backorders) stays Odoo's own.

    def _action_done(self):
        # The checks every fast path shares, read once for the three of them.
        rows = self._serial_fast_common_checks()
        if rows is None:
            return super()._action_done()
        lots_by_line = self._serial_fast_receipt_lines(rows)
        if lots_by_line is not None:
            return self._serial_fast_receipt_done(lots_by_line)
        reserved = self._serial_fast_delivery_lines(rows)
        if reserved is not None:
            return self._serial_fast_delivery_done(reserved)
        reserved = self._serial_fast_internal_lines(rows)
        if reserved is not None:
            return self._serial_fast_internal_done(reserved)
        return super()._action_done()

    @api.model
    def _serial_pending_receipts(
        self,
        serials,
        product,
        company,
        field="name",
        any_product=False,
        exclude_moves=None,
    ):
        """Where each of ``serials`` is already pending on an open receipt: returns
        ``{serial: stock.picking}`` (the first such receipt) for the serials found.

        A serial is pending on a receipt (an incoming transfer neither done nor
        cancelled) when one of its move lines, not done, carries it: as its unit
        (``lot_id``) or as a serial name still to create (``lot_name``). Receiving it
        twice makes validating the second receipt fail the first one, so capture and
        receive-by-scan refuse it up front, naming the receipt.

        :param serials: serial texts (iterable of str)
        :param product: the ``product.product`` received; with ``any_product`` a
            serial counts on a receipt of any product (serials unique company-wide)
        :param company: the ``res.company`` receiving
        :param field: ``"name"`` (our serial) or ``"manufacturer_serial"`` (matched
            on the units only: a line's ``lot_name`` is always our serial)
        :param exclude_moves: ``stock.move`` records whose lines do not count (the
            move being captured, which has its own message)

        One query for all serials (``tools/pending_receipts.py``).
        """
        serials = list({serial for serial in serials if serial})
        if not serials:
            return {}
        query = pending_receipts_sql(
            serials, product.id, company.id, field, any_product, exclude_moves
        )
        self.env.flush_all()
        rows = self.env.execute_query(query)
        pickings = self.env["stock.picking"].sudo().browse({row[1] for row in rows})
        by_id = {picking.id: picking for picking in pickings}
        return {serial: by_id[picking_id] for serial, picking_id in rows}
