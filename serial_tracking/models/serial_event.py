from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

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
        default_type = self.env.context.get("default_event_type")
        if not self.env.su and any(
            vals.get("event_type", default_type) != "note" for vals in vals_list
        ):
            raise AccessError(
                self.env._("Only notes can be added by hand to a unit's timeline.")
            )
        return super().create(vals_list)

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
