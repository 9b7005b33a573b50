from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    serial_lookup_intro = fields.Text(
        "Lookup Page Introduction",
        translate=True,
        help="Shown at the top of the public page a unit's QR code opens.",
    )
    serial_lookup_contact = fields.Text(
        "Lookup Page Contact",
        translate=True,
        help="How customers reach you about a unit: shown at the bottom of the page.",
    )
    serial_lookup_recall_text = fields.Text(
        "Lookup Page Recall Text",
        translate=True,
        help="Shown for a recalled unit when its recall publishes no instructions "
        "of its own.",
    )

    def action_open_serial_lookup_texts(self):
        """The page texts in a small form, where each can be translated."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Public Lookup Page Texts"),
            "res_model": "res.company",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "serial_tracking_lookup.res_company_view_form_serial_lookup"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }
