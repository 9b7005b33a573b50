from odoo import models


class SerialBatch(models.Model):
    _inherit = "serial.batch"

    def action_epcis_download(self):
        """The EPCIS 2.0 document of the histories of these batches' units."""
        return {
            "type": "ir.actions.act_url",
            "url": "/epcis/download?model=serial.batch&ids="
            + ",".join(str(batch_id) for batch_id in self.ids),
            "target": "self",
        }
