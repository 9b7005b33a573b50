from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from ..tools import gs1
from ..tools.smart_buttons import related_action
from ..tools.unit_state import (
    BLOCKED_UNIT_STATES,
    CLOSED_STATES,
    HOLDER_USAGES,
    INTERNAL_USAGES,
    STATE_BY_EXIT_USAGE,
    UNIT_STATES,
)

# The unit's facts live in tools/unit_state.py; other addons import them from here.
__all__ = [
    "BLOCKED_UNIT_STATES",
    "CLOSED_STATES",
    "HOLDER_USAGES",
    "INTERNAL_USAGES",
    "STATE_BY_EXIT_USAGE",
    "UNIT_STATES",
    "StockLot",
]


class StockLot(models.Model):
    # The unit's life (state, timeline), its bulk creation and its external API
    # are mixins of their own.
    _name = "stock.lot"
    _inherit = (
        "stock.lot",
        "serial.unit.state.mixin",
        "serial.unit.bulk.mixin",
        "serial.unit.api.mixin",
    )

    # Computed before the INSERT, for all new units at once. Computed after it (Odoo's
    # default), every batch of 1,000 units recomputed at flush checks the unique-serial
    # constraint, whose query flushes and so recomputes the next batch inside: one
    # level of Python recursion per 1,000 units, a RecursionError when a receipt of
    # 100,000 serials is validated.
    company_id = fields.Many2one(
        compute="_compute_company_id", store=True, readonly=False, precompute=True
    )

    unit_state = fields.Selection(
        UNIT_STATES,
        "Unit Status",
        default="draft",
        required=True,
        index=True,
        readonly=True,
        copy=False,
        help="Lifecycle of a serial unit, kept up to date by its stock moves. "
        "Quarantined and recalled are set by quality decisions only.",
    )
    customer_id = fields.Many2one(
        "res.partner",
        "Held by",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The customer (or vendor, for a unit returned to it) that has the unit.",
    )
    receipt_date = fields.Datetime(
        copy=False, help="When the unit first entered stock."
    )
    manufacture_date = fields.Date(
        compute="_compute_manufacture_date", store=True, readonly=False, copy=False
    )
    delivery_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the unit was last delivered to a customer.",
    )
    # Derived with the unit's state: reports value a delivered unit at what its
    # delivery took out of stock without looking its move lines up one by one.
    delivery_move_id = fields.Many2one(
        "stock.move",
        "Last Delivery",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The stock move that last delivered the unit to a customer.",
    )
    warranty_end_date = fields.Date(
        "Warranty End",
        compute="_compute_warranty_end_date",
        store=True,
        index="btree_not_null",
    )
    manufacturer_serial = fields.Char(
        index="trigram",
        copy=False,
        help="The serial number its manufacturer gave the unit.",
    )
    handling_instructions = fields.Text(
        help="Shown on every operation that moves this unit."
    )
    batch_id = fields.Many2one(
        "serial.batch",
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    event_ids = fields.One2many("serial.event", "lot_id", "Timeline")
    event_count = fields.Integer(compute="_compute_event_count")
    tracking = fields.Selection(related="product_id.tracking")
    serial_code = fields.Char(
        "Serial, Manufacturer Serial or GS1 Barcode",
        compute="_compute_serial_code",
        search="_search_serial_code",
    )

    @api.depends("batch_id.manufacture_date")
    def _compute_manufacture_date(self):
        for lot in self:
            if lot.batch_id.manufacture_date:
                lot.manufacture_date = lot.batch_id.manufacture_date
            elif not lot.manufacture_date:
                lot.manufacture_date = False

    @api.depends("product_id", "batch_id.expiration_date")
    def _compute_expiration_date(self):
        with_batch = self.filtered(lambda lot: lot.batch_id.expiration_date)
        for lot in with_batch:
            lot.expiration_date = lot.batch_id.expiration_date
        return super(StockLot, self - with_batch)._compute_expiration_date()

    @api.depends("delivery_date", "product_id.product_tmpl_id.warranty_months")
    def _compute_warranty_end_date(self):
        for lot in self:
            months = lot.product_id.product_tmpl_id.warranty_months
            lot.warranty_end_date = (
                lot.delivery_date.date() + relativedelta(months=months)
                if lot.delivery_date and months
                else False
            )

    @api.depends("event_ids")
    def _compute_event_count(self):
        # Only the unit form shows it, next to the timeline that loads the events.
        for lot in self:
            lot.event_count = len(lot.event_ids)

    def _compute_serial_code(self):
        for lot in self:
            lot.serial_code = lot.name

    def _search_serial_code(self, operator, value):
        if operator not in ("ilike", "=", "=ilike", "like") or not isinstance(
            value, str
        ):
            return NotImplemented
        return self._serial_code_domain(value, operator)

    @api.model
    def _serial_code_domain(self, code, operator="ilike"):
        """Units matching a typed or scanned code: serial, manufacturer serial, or a GS1
        barcode (HRI, raw element string, Digital Link) carrying GTIN + serial."""
        code = code.strip()
        domain = Domain("name", operator, code) | Domain(
            "manufacturer_serial", operator, code
        )
        if gs1.looks_like_gs1(code):
            try:
                data = gs1.decode(code)
            except gs1.Gs1Error:
                return domain
            if data.serial:
                gs1_domain = Domain("name", "=", data.serial) | Domain(
                    "manufacturer_serial", "=", data.serial
                )
                if data.gtin:
                    gs1_domain &= Domain(
                        "product_id.barcode", "in", gs1.gtin_variants(data.gtin)
                    )
                domain |= gs1_domain
        return domain

    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        if (
            operator in ("ilike", "=", "=ilike", "like")
            and isinstance(value, str)
            and value
        ):
            domain |= self._serial_code_domain(value, operator)
        return domain

    @api.constrains("manufacturer_serial", "product_id")
    def _check_unique_manufacturer_serial(self):
        lots = self.filtered("manufacturer_serial")
        if not lots:
            return
        groups = self.sudo()._read_group(
            [
                ("product_id", "in", lots.product_id.ids),
                ("manufacturer_serial", "in", lots.mapped("manufacturer_serial")),
            ],
            ["product_id", "manufacturer_serial"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if groups:
            lines = "\n".join(
                self.env._(
                    " - Product: %(product)s, manufacturer serial: %(serial)s",
                    product=product.display_name,
                    serial=serial,
                )
                for product, serial, _count in groups
            )
            raise ValidationError(
                self.env._(
                    "A manufacturer serial can belong to only one unit of a product. "
                    "These are used twice:\n%(lines)s",
                    lines=lines,
                )
            )

    def _auto_init(self):
        # a new column on a big table: filled in one query, not by the ORM
        fill = not column_exists(self.env.cr, self._table, "delivery_move_id")
        res = super()._auto_init()
        if fill:
            self._serial_fill_delivery_moves()
        return res

    def write(self, vals):
        renamed = self.browse()
        if "name" in vals:
            renamed = self.filtered(lambda lot: lot.name != vals["name"])
            old_names = {lot.id: lot.name for lot in renamed}
        res = super().write(vals)
        renamed._log_events(
            "relabelled",
            values_by_lot={
                lot.id: {
                    "description": self.env._(
                        "%(old)s relabelled as %(new)s",
                        old=old_names[lot.id],
                        new=lot.name,
                    )
                }
                for lot in renamed
            },
        )
        return res

    def unlink(self):
        return super(StockLot, self.with_context(serial_unit_unlink=True)).unlink()

    @api.model
    def _serial_product_company(self, lot_ids):
        """``{unit id: (product id, company id)}`` of the units ``lot_ids``, in one
        query (their pending writes flushed first): what the bulk paths copy onto
        events or check lines against without loading the units."""
        self.flush_model(["product_id", "company_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id, product_id, company_id FROM stock_lot WHERE id = ANY(%s)",
                list(lot_ids),
            )
        )
        return {
            lot_id: (product_id, company_id) for lot_id, product_id, company_id in rows
        }

    def action_view_events(self):
        return related_action(
            self,
            "serial_tracking.serial_event_action",
            "lot_id",
            default_event_type="note",
        )

    def action_log_note(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add a note to %(unit)s", unit=self.display_name),
            "res_model": "serial.event",
            "view_mode": "form",
            "views": [
                (self.env.ref("serial_tracking.serial_event_view_form_note").id, "form")
            ],
            "target": "new",
            "context": {"default_lot_id": self.id, "default_event_type": "note"},
        }

    def action_quarantine(self):
        self._check_quality_rights()
        self._set_sticky_state("quarantined", "quarantined")

    def action_release_quarantine(self):
        self._check_quality_rights()
        not_quarantined = self.filtered(lambda lot: lot.unit_state != "quarantined")
        if not_quarantined:
            raise UserError(
                self.env._(
                    "Only quarantined units can be released: %(units)s",
                    units=", ".join(not_quarantined.mapped("display_name")),
                )
            )
        self._log_events("released")
        self.with_context(serial_release=True)._write_unit_values(
            {lot.id: {"unit_state": "in_stock"} for lot in self}
        )
        self._refresh_unit_state()

    def _serial_block_messages(self):
        """Why units of ``self`` cannot leave the warehouse: ``{lot_id: message}`` for
        every unit whose state is blocked (``BLOCKED_UNIT_STATES``), a translated
        sentence naming the serial. Units absent from the result may go.

        The one question every exit asks (Odoo's delivery validation, the dispatch
        screen, the scan flows); addons that block units for a reason of their own
        (a recall) override it to name that reason, calling super for the others.
        """
        blocked = self.filtered(lambda lot: lot.unit_state in BLOCKED_UNIT_STATES)
        if not blocked:
            return {}
        labels = dict(self._fields["unit_state"]._description_selection(self.env))
        return {
            lot.id: self.env._(
                "Serial %(serial)s is %(state)s and cannot leave the warehouse.",
                serial=lot.name,
                state=labels[lot.unit_state].lower(),
            )
            for lot in blocked
        }

    def _check_quality_rights(self):
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(
                self.env._(
                    "Only inventory administrators can quarantine or release units."
                )
            )

    # ----------------------------------------------------------------------------

    @api.constrains("name", "product_id", "company_id")
    def _check_unique_lot(self):
        if self.env.context.get("serial_unique_checked"):
            # _serial_bulk_create checked Odoo's rule with one SQL query already.
            return None
        return super()._check_unique_lot()
