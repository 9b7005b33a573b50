from odoo import api, fields, models


class MrpProductionSerials(models.TransientModel):
    _inherit = "mrp.production.serials"

    serial_scheme_preview = fields.Char(
        "Proposed by the Serial Scheme",
        compute="_compute_serial_scheme_preview",
        store=True,
        # Editable so that the value the user saw is the one saved with the wizard.
        readonly=False,
        help="First serial proposed by the product's serial scheme: while First SN "
        "holds it (or is empty), Generate draws the serials from the scheme.",
    )

    @api.depends("production_id")
    def _compute_serial_scheme_preview(self):
        for wizard in self:
            production = wizard.production_id
            wizard.serial_scheme_preview = (
                production._serial_scheme_preview() if production else False
            )

    @api.depends("production_id")
    def _compute_lot_name(self):
        """First SN: the scheme's next serial instead of Odoo's prefix + counter."""
        for wizard in self:
            if (
                not wizard.lot_name
                and not wizard.production_id.lot_producing_ids
                and wizard.serial_scheme_preview
            ):
                wizard.lot_name = wizard.serial_scheme_preview
        return super()._compute_lot_name()

    def _serial_scheme_mode(self):
        """True when the serials come from the product's scheme: a scheme applies
        and First SN is still its proposal (or empty). An edited First SN keeps
        Odoo's behaviour."""
        self.ensure_one()
        production = self.production_id
        return bool(
            production
            and production._serial_scheme()
            and (not self.lot_name or self.lot_name == self.serial_scheme_preview)
        )

    def action_generate_serial_numbers(self):
        """N serials drawn from the scheme in one counter query (Odoo increments the
        last number of First SN, which breaks check characters)."""
        self.ensure_one()
        if self.lot_quantity <= 0 or not self._serial_scheme_mode():
            return super().action_generate_serial_numbers()
        names = self.production_id._serial_scheme_names(self.lot_quantity)
        # First SN shows the first serial drawn and still means "from the scheme".
        self.write(
            {
                "lot_name": names[0],
                "serial_scheme_preview": names[0],
                "serial_numbers": "\n".join(names),
            }
        )
        action = self.env["ir.actions.actions"]._for_xml_id(
            "mrp.action_assign_serial_numbers"
        )
        action["res_id"] = self.id
        return action

    def action_apply(self):
        """Scheme serials leave the product's lot sequence where it is."""
        self.ensure_one()
        wizard = self
        sequence = self.production_id.product_id.lot_sequence_id
        if sequence and self._serial_scheme_mode():
            wizard = self.with_context(serial_scheme_keep_sequence_id=sequence.id)
        return super(MrpProductionSerials, wizard).action_apply()
