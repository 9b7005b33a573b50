from odoo import api, fields, models
from odoo.tools import SQL


class SerialValidationProgress(models.Model):
    """How far the background validation of one transfer is, in units.

    The validation runs in one transaction (the cron's), so what it writes on the
    transfer is seen only at its end. Its progress is written instead on this row
    by a cursor of its own (:meth:`_serial_report`), committed at once: the transfer
    shows it while the validation runs. The row is created (or reset) when the
    transfer is queued, by the request, so that the validating transaction never
    writes it itself (which would conflict with the cursor's updates)."""

    _name = "serial.validation.progress"
    _description = "Background Validation Progress"
    _rec_name = "picking_id"

    picking_id = fields.Many2one(
        "stock.picking", "Transfer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="picking_id.company_id", store=True)
    done = fields.Integer("Units Validated", readonly=True)
    total = fields.Integer("Units", readonly=True)

    _picking_unique = models.UniqueIndex("(picking_id)")

    @api.model
    def _serial_reset(self, pickings):
        """Progress rows at 0 of each transfer's move lines, for ``pickings`` about
        to be queued (in the request's transaction)."""
        counts = dict(
            self.env["stock.move.line"]._read_group(
                [("picking_id", "in", pickings.ids)], ["picking_id"], ["__count"]
            )
        )
        Progress = self.sudo()
        existing = {
            progress.picking_id: progress
            for progress in Progress.search([("picking_id", "in", pickings.ids)])
        }
        to_create = []
        for picking in pickings:
            vals = {"done": 0, "total": counts.get(picking, 0)}
            if picking in existing:
                existing[picking].write(vals)
            else:
                to_create.append({**vals, "picking_id": picking.id})
        Progress.create(to_create)

    @api.model
    def _serial_report(self, picking_ids, done):
        """Write ``done`` units on the progress rows of
        ``picking_ids`` through a cursor of its own, committed at once, so other
        transactions see it while the caller's runs. Only the rows made by
        :meth:`_serial_reset` are updated (no new row, so no lock on the transfer).
        In tests the registry's test cursor shares the caller's transaction."""
        if not picking_ids:
            return
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """
                    UPDATE serial_validation_progress
                       SET done = %s, write_date = now() at time zone 'UTC'
                     WHERE picking_id = ANY(%s)
                    """,
                    done,
                    list(picking_ids),
                )
            )
        self.env["serial.validation.progress"].invalidate_model(
            ["done", "total", "write_date"]
        )
