from odoo import models


class SerialBatch(models.Model):
    _inherit = "serial.batch"

    def action_epcis_download(self):
        """The EPCIS 2.0 document of the histories of these batches' units."""
        return self.env["serial.epcis"]._download_action(self)
