from odoo import models


class SerialRecall(models.Model):
    _inherit = "serial.recall"

    def action_epcis_download(self):
        """The EPCIS 2.0 document of the histories of this recall's units, for
        the partners (regulators, customers, platforms) that want GS1 events."""
        return self.env["serial.epcis"]._download_action(self)
