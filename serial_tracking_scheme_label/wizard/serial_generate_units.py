from odoo import models


class SerialGenerateUnits(models.TransientModel):
    _inherit = "serial.generate.units"

    def action_generate_and_print(self):
        """Generate the units, then open the label wizard on exactly these units."""
        self.ensure_one()
        self._check_can_generate()
        return self._generate().action_print_serial_labels()
