from odoo import api, models
from odoo.fields import Domain


class SerialEpcis(models.AbstractModel):
    _inherit = "serial.epcis"

    @api.model
    def _download_filters(self, model, record_ids):
        """A recall's document: the events of its units (its lines' units that
        are tracked by serial), the recalls and lines the user may read."""
        if model != "serial.recall":
            return super()._download_filters(model, record_ids)
        recalls = self.env["serial.recall"].search([("id", "in", record_ids)])
        return {"lot_domain": Domain("recall_line_ids.recall_id", "in", recalls.ids)}
