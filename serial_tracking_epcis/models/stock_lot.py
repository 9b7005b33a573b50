from odoo import api, models
from odoo.fields import Domain

from odoo.addons.serial_tracking.tools import gs1

from ..tools import epcis


class StockLot(models.Model):
    _inherit = "stock.lot"

    def action_epcis_download(self):
        """The EPCIS 2.0 document of these units' histories."""
        return self.env["serial.epcis"]._download_action(self)

    @api.model
    def _epcis_lot_ids(self, uris):
        """Ids of the units named by EPCIS EPCs (Digital Link SGTINs or our own
        unit URIs) the user may read; unknown or malformed EPCs match nothing."""
        domains = []
        for uri in uris:
            parsed = epcis.parse_unit_uri(uri.strip())
            if not parsed:
                continue
            gtin, serial, product_id = parsed
            domain = Domain("name", "=", serial)
            if gtin:
                domain &= Domain("product_id.barcode", "in", gs1.gtin_variants(gtin))
            else:
                domain &= Domain("product_id", "=", product_id)
            domains.append(domain)
        if not domains:
            return []
        return self.search(Domain.OR(domains)).ids
