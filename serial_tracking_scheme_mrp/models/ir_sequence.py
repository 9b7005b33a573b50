from odoo import models


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    def write(self, vals):
        """Odoo's "Assign Serial Numbers" wizard moves the product's lot sequence on
        when an applied serial equals its next value. Serials from a scheme do not come
        from that sequence: the wizard names it in ``serial_scheme_keep_sequence_id``
        and it stays where it is (no write, so no write access needed either)."""
        kept = self.env.context.get("serial_scheme_keep_sequence_id")
        if kept and "number_next_actual" in vals and self.ids == [kept]:
            vals = {
                key: val for key, val in vals.items() if key != "number_next_actual"
            }
            self.invalidate_recordset(["number_next_actual"])
            if not vals:
                return True
        return super().write(vals)
