from odoo import api, fields, models

from odoo.addons.serial_tracking_lookup.models.stock_lot import WARRANTY_STATES

# Repair order states that are a step of the unit's story, and their timeline event.
STATE_EVENTS = {
    "confirmed": "repair_opened",
    "under_repair": "repair_received",
    "done": "repair_done",
}


class RepairOrder(models.Model):
    _inherit = "repair.order"

    # Odoo's own flag, now proposed by the unit's warranty when its serial is set
    # (still editable: a goodwill repair, a warranty extended by hand...). Only a
    # change of serial recomputes it, never the passing of time.
    under_warranty = fields.Boolean(
        compute="_compute_under_warranty", store=True, readonly=False
    )
    serial_warranty_status = fields.Selection(
        WARRANTY_STATES, "Warranty Status", compute="_compute_serial_warranty"
    )
    serial_warranty_end_date = fields.Date(
        "Warranty End", compute="_compute_serial_warranty"
    )
    serial_not_delivered = fields.Boolean(
        "Not Delivered to Customer",
        compute="_compute_serial_not_delivered",
        help="This serial was never delivered to this customer (or its company): "
        "check the claim before accepting it.",
    )

    def _serial_claim_date(self):
        """The day the claim is judged on: when the repair was created (today for
        a new one)."""
        self.ensure_one()
        if self.create_date:
            return fields.Date.context_today(self, self.create_date)
        return fields.Date.context_today(self)

    def _serial_unit(self):
        self.ensure_one()
        lot = self.lot_id
        return lot if lot.product_id.tracking == "serial" else lot.browse()

    @api.depends("lot_id")
    def _compute_under_warranty(self):
        for repair in self:
            lot = repair._serial_unit()
            if lot:
                status, _end = lot._serial_warranty_status(repair._serial_claim_date())
                repair.under_warranty = status == "active"
            else:
                repair.under_warranty = repair.under_warranty

    @api.depends("lot_id", "lot_id.warranty_end_date", "create_date")
    def _compute_serial_warranty(self):
        for repair in self:
            lot = repair._serial_unit()
            status, end = (
                lot._serial_warranty_status(repair._serial_claim_date())
                if lot
                else (False, False)
            )
            repair.serial_warranty_status = status
            repair.serial_warranty_end_date = end

    @api.depends("lot_id", "partner_id")
    def _compute_serial_not_delivered(self):
        repairs = self.filtered(lambda r: r.partner_id and r._serial_unit())
        delivered = set()
        if repairs:
            lines = (
                self.env["stock.move.line"]
                .sudo()
                .search_fetch(
                    [
                        ("lot_id", "in", repairs.lot_id.ids),
                        ("state", "=", "done"),
                        ("location_dest_id.usage", "=", "customer"),
                    ],
                    ["lot_id", "picking_id", "move_id"],
                )
            )
            for line in lines:
                partner = line.picking_id.partner_id or line.move_id.partner_id
                delivered.add((line.lot_id.id, partner.commercial_partner_id.id))
        for repair in self:
            repair.serial_not_delivered = repair in repairs and (
                (repair.lot_id.id, repair.partner_id.commercial_partner_id.id)
                not in delivered
            )

    def write(self, vals):
        event_type = STATE_EVENTS.get(vals.get("state"))
        moving = (
            self.filtered(lambda r: r.state != vals["state"] and r._serial_unit())
            if event_type
            else self.browse()
        )
        res = super().write(vals)
        if moving:
            moving._log_serial_events(event_type)
        return res

    def _log_serial_events(self, event_type):
        """One timeline event on the unit of each repair of ``self``, through the
        core's ``_log_events`` (one create per round: a unit in several repairs
        gets one event per repair)."""
        by_lot = {}
        for repair in self:
            by_lot.setdefault(repair.lot_id, []).append(repair)
        while by_lot:
            batch = {lot: repairs.pop(0) for lot, repairs in by_lot.items()}
            lots = self.env["stock.lot"].concat(*batch)
            lots._log_events(
                event_type,
                values_by_lot={
                    lot.id: {
                        "partner_id": repair.partner_id.id,
                        "reference": repair.name,
                        "move_id": repair.move_id.id
                        if event_type == "repair_done"
                        else False,
                        "description": repair._serial_event_description(event_type),
                    }
                    for lot, repair in batch.items()
                },
            )
            by_lot = {lot: repairs for lot, repairs in by_lot.items() if repairs}

    def _serial_event_description(self, event_type):
        self.ensure_one()
        warranty = (
            self.env._("under warranty")
            if self.under_warranty
            else self.env._("not under warranty")
        )
        if event_type == "repair_opened":
            return self.env._(
                "Repair %(repair)s opened, %(warranty)s",
                repair=self.name,
                warranty=warranty,
            )
        if event_type == "repair_received":
            return self.env._("Received for repair %(repair)s", repair=self.name)
        return self.env._(
            "Repair %(repair)s done, %(warranty)s", repair=self.name, warranty=warranty
        )
