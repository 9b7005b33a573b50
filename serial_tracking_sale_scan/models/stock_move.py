from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _update_reserved_quantity(
        self,
        need,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        return super(StockMove, self._serial_sale_hold())._update_reserved_quantity(
            need, location_id, lot_id, package_id, owner_id, strict
        )

    def _get_available_quantity(
        self,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        allow_negative=False,
    ):
        return super(StockMove, self._serial_sale_hold())._get_available_quantity(
            location_id, lot_id, package_id, owner_id, strict, allow_negative
        )

    def _serial_sale_hold(self):
        """Reserve as the move's order: units scanned onto another quotation are
        not available to it (``stock.quant._get_gather_domain``), as product_expiry
        keeps expired units out (``with_expiration``)."""
        return self.with_context(
            serial_sale_hold_order=self.sale_line_id.order_id.id or 0
        )
