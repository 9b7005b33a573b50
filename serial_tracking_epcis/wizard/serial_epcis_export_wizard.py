from datetime import datetime, time
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SerialEpcisExportWizard(models.TransientModel):
    """Download the EPCIS 2.0 document of every unit event of a period."""

    _name = "serial.epcis.export.wizard"
    _description = "EPCIS Export of a Period"

    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The period must start before it ends.")
                )

    def action_download(self):
        self.ensure_one()
        start = datetime.combine(self.date_from, time.min)
        end = datetime.combine(self.date_to, time.max).replace(microsecond=0)
        query = urlencode(
            {"date_from": start.isoformat() + "Z", "date_to": end.isoformat() + "Z"}
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/epcis/download?{query}",
            "target": "self",
        }
