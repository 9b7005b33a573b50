from odoo import api, models
from odoo.tools import SQL

from ..tools.move_line_sql import EXPIRY_DATES, ORM_ONLY_KEY, sql_create_allowed


class SerialScanTransfer(models.AbstractModel):
    """The transfer flow's new moves (a product's first unit on the transfer):
    Odoo's create, without computing again what it cannot change."""

    _inherit = "serial.scan.transfer"

    @api.model
    def _transfer_new_move(self, picking, product_id):
        """The transfer's move of a product's first unit (Odoo's create).

        A new move may change the transfer's scheduled date (its moves'
        earliest), on which product_expiry's expiration and removal dates of
        every line of the transfer depend: the ORM marks them all to be computed
        again, reading every line and its unit (the cost of a first unit grew
        with the transfer). When the date is the same, their inputs are: what
        the scan's lock query flushed left nothing else pending on these fields,
        and they are left as they are."""
        scheduled = picking.scheduled_date
        product = self.env["product.product"].browse(product_id)
        move = self.env["stock.move"].create(
            {
                "picking_id": picking.id,
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": 1.0,
                "location_id": picking.location_id.id,
                "location_dest_id": picking.location_dest_id.id,
                "company_id": picking.company_id.id,
            }
        )
        self._transfer_keep_line_dates(picking, scheduled)
        return move

    @api.model
    def _transfer_keep_line_dates(self, picking, scheduled, new_line=None):
        """When the transfer's scheduled date is still ``scheduled`` (computed
        now, from its moves), leave its lines' expiry dates as they are (see
        ``_transfer_new_move``); those of ``new_line``, just made, are
        computed."""
        if picking.scheduled_date != scheduled or self.env.context.get(ORM_ONLY_KEY):
            return
        fields_ = self.env["stock.move.line"]._fields
        for name in EXPIRY_DATES:
            if name in fields_:
                field = fields_[name]
                others = self.env.records_to_compute(field)
                if new_line:
                    others -= new_line
                self.env.remove_to_compute(field, others)

    @api.model
    def _transfer_steady_fields(self, picking, row):
        """The transfer's fields a product's first unit cannot change, left out
        of the new move's computations (``env.protecting``): its ``state`` when
        every open move is ready (the new one is too once its unit is on it:
        the same states, Odoo's ``_compute_state`` gives the same answer), and
        its ``scheduled_date`` (its open moves' earliest date) under the
        shipping policy "as soon as possible" (the new move's date is now).
        Odoo's computation read every move of the transfer, their lines, its
        operation type and company, checked the accounting lock date and wrote
        the state twice (draft with the new move, ready with its line).
        ``_transfer_steady_check`` computes them again when a premise fails."""
        if not row.get("transfer_ready") or not sql_create_allowed(self.env):
            return []
        names = ["state"]
        if picking.move_type == "direct":
            names.append("scheduled_date")
        return [picking._fields[name] for name in names]

    @api.model
    def _transfer_steady_check(self, picking, steady, move, scheduled):
        """The premises of ``_transfer_steady_fields``, checked once the unit is
        on its new move: else the fields are computed as Odoo would."""
        if steady and (move.state != "assigned" or move.date < scheduled):
            for field in steady:
                self.env.add_to_compute(field, picking)

    @api.model
    def _transfer_touch_sql(self, picking):
        """What Odoo's write of the computed state leaves on the transfer: its
        write date and author (the ORM's "now" is the transaction's)."""
        picking.invalidate_recordset(["write_uid", "write_date"])
        return SQL(
            "UPDATE stock_picking SET write_uid = %s,"
            " write_date = (NOW() AT TIME ZONE 'UTC') WHERE id = %s;",
            self.env.uid,
            picking.id,
        )
