from odoo import fields, models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def _serial_scheme(self):
        """The serial scheme of the produced product in the production's company
        (empty unless the product is tracked by serial and a scheme applies)."""
        self.ensure_one()
        if self.product_id.tracking != "serial":
            return self.env["serial.scheme"]
        return self.product_id._serial_scheme(self.company_id)

    def _serial_scheme_date(self):
        """When the production's serials are made: its start (the scheme reads it in
        the user's timezone)."""
        self.ensure_one()
        return self.date_start or fields.Datetime.now()

    def _serial_scheme_names(self, count):
        """``count`` new serials of the produced product from its scheme (counters
        drawn in one query), dated by the production, {site} its warehouse."""
        self.ensure_one()
        return self._serial_scheme()._generate_names(
            self.product_id,
            count,
            when=self._serial_scheme_date(),
            warehouse=self.warehouse_id,
        )

    def _serial_scheme_preview(self):
        """The next serial the scheme gives this production, without drawing it from
        the counter; False without scheme."""
        self.ensure_one()
        scheme = self._serial_scheme()
        if not scheme:
            return False
        return scheme._next_preview(
            self.product_id,
            when=self._serial_scheme_date(),
            warehouse=self.warehouse_id,
        )

    def _prepare_stock_lot_values(self):
        """Serial of a single-unit order ("Generate"): the scheme's next serial
        instead of the product's lot sequence."""
        self.ensure_one()
        if not self._serial_scheme():
            return super()._prepare_stock_lot_values()
        return {
            "product_id": self.product_id.id,
            "name": self._serial_scheme_names(1)[0],
        }
