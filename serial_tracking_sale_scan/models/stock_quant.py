from odoo import models
from odoo.fields import Domain
from odoo.tools import SQL


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_gather_domain(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
    ):
        """While a move reserves (``serial_sale_hold_order``, see
        ``stock.move._serial_sale_hold``), the units that an active scan holds for
        another quotation are not gathered: between the scan and the order's
        confirmation, no other delivery's reservation takes them."""
        domain = super()._get_gather_domain(
            product_id, location_id, lot_id, package_id, owner_id, strict
        )
        order_id = self.env.context.get("serial_sale_hold_order")
        if order_id is None or product_id.tracking != "serial":
            return domain
        self.env["sale.scan.unit"].flush_model(["lot_id", "order_id", "active"])
        held = SQL(
            "SELECT lot_id FROM sale_scan_unit WHERE active AND order_id != %s",
            order_id,
        )
        # (lot_id IS NULL OR lot_id NOT IN (held)), without access rules
        return domain & Domain("lot_id", "not any!", held)
