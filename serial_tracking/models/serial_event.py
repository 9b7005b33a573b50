from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import bulk_insert

EVENT_TYPES = [
    ("generated", "Generated"),
    ("received", "Received"),
    ("moved", "Moved"),
    ("delivered", "Delivered"),
    ("returned", "Returned by customer"),
    ("vendor_return", "Returned to vendor"),
    ("adjusted", "Inventory adjustment"),
    ("scrapped", "Scrapped"),
    ("consumed", "Consumed"),
    ("relabelled", "Relabelled"),
    ("quarantined", "Quarantined"),
    ("released", "Released from quarantine"),
    ("recalled", "Recalled"),
    ("repair_opened", "Repair opened"),
    ("repair_received", "Received for repair"),
    ("repair_done", "Repaired"),
    ("clone_suspected", "Suspected cloned label"),
    ("note", "Note"),
]
# What a note added by hand carries; its author and time are always the current ones.
NOTE_FIELDS = {"lot_id", "event_type", "description"}
# What differs from one event to the next of a flow: the rest (type, transfer,
# locations, date...) is shared by all the events of one move.
BULK_VARYING = ("lot_id", "product_id", "company_id", "description")
# The overrides of serial.event.create that _serial_create_events reproduces.
BULK_CREATE = ("odoo.addons.serial_tracking.models.serial_event", "odoo.orm.models")


class SerialEvent(models.Model):
    """One entry of a serial unit's timeline.

    Events are append-only: they are written by the stock flows (one set-based
    ``create`` per validation, see ``stock.move._action_done``) or by users as
    notes, and are never rewritten afterwards. They disappear only with their unit.
    """

    _name = "serial.event"
    _description = "Serial Unit Event"
    _order = "date desc, id desc"
    _rec_name = "event_type"

    lot_id = fields.Many2one(
        "stock.lot",
        "Serial Unit",
        required=True,
        index=True,
        ondelete="cascade",
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True, index=True)
    company_id = fields.Many2one(related="lot_id.company_id", store=True, index=True)
    event_type = fields.Selection(EVENT_TYPES, "Event", required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", "Done by", required=True, default=lambda self: self.env.user
    )
    location_id = fields.Many2one("stock.location", "From")
    location_dest_id = fields.Many2one("stock.location", "To")
    partner_id = fields.Many2one("res.partner", index="btree_not_null")
    picking_id = fields.Many2one("stock.picking", "Transfer", index="btree_not_null")
    move_id = fields.Many2one("stock.move", "Stock Move", index="btree_not_null")
    reference = fields.Char(help="Name of the document behind the event.")
    description = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            vals_list = self._prepare_note_vals(vals_list)
        return super().create(vals_list)

    @api.model
    def _serial_create_events(self, vals_list):
        """``sudo().create(vals_list)``: timeline events written by a flow (system
        records, see :meth:`create`), in bulk when no other module overrides
        ``create``. Each event's unit gives its product and company (the related
        stored fields, read in one query); the rest of the values is computed by
        the ORM once per distinct set (``BULK_VARYING`` aside), see
        :func:`~odoo.addons.serial_tracking.tools.bulk_insert.create_records`."""
        Event = self.sudo()
        if not vals_list:
            return Event
        if not bulk_insert.create_overridden_only_by(Event, BULK_CREATE):
            return Event.create(vals_list)
        units = self.env["stock.lot"]._serial_product_company(
            {vals["lot_id"] for vals in vals_list}
        )
        vals_list = [
            dict(
                vals,
                product_id=units[vals["lot_id"]][0],
                company_id=units[vals["lot_id"]][1],
            )
            for vals in vals_list
        ]

        def prototype(vals):
            return Event.new(Event._add_missing_default_values(vals))

        events, written = bulk_insert.create_records(
            Event, vals_list, BULK_VARYING, prototype
        )
        events._validate_fields(written)
        return events

    @api.model
    def _prepare_note_vals(self, vals_list):
        """A timeline entry by hand (not by a stock flow, which writes as superuser)
        is a note: its unit and text only, by the current user, now. Anything else
        (another author, a date, a transfer or reference) is refused, so the
        timeline cannot be forged."""
        default_type = self.env.context.get("default_event_type")
        if any(
            vals.get("event_type", default_type or "note") != "note"
            for vals in vals_list
        ):
            raise AccessError(
                self.env._("Only notes can be added by hand to a unit's timeline.")
            )
        extra = sorted({name for vals in vals_list for name in vals} - NOTE_FIELDS)
        if extra:
            raise AccessError(
                self.env._(
                    "A note takes only its unit and its text; these cannot be set "
                    "by hand: %(fields)s.",
                    fields=", ".join(
                        self._fields[name].string if name in self._fields else name
                        for name in extra
                    ),
                )
            )
        # The unit must be one the user can see (its company's record rules).
        self.env["stock.lot"].browse(
            {vals["lot_id"] for vals in vals_list if vals.get("lot_id")}
        ).check_access("read")
        now = fields.Datetime.now()
        return [
            dict(vals, event_type="note", user_id=self.env.uid, date=now)
            for vals in vals_list
        ]

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(
            self.env._(
                "Timeline events cannot be changed: add a note to the unit instead."
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if not self.env.context.get("serial_unit_unlink"):
            raise UserError(
                self.env._(
                    "Timeline events cannot be deleted: "
                    "they live as long as their unit."
                )
            )
