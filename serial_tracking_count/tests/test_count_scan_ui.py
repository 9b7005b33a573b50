from odoo.tests import HttpCase, tagged

from .common import SerialCountCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestCountScanUi(HttpCase, SerialCountCommon):
    """The count screen in the browser: a found unit, a refused double scan, the
    missing unit live, Apply after confirmation."""

    browser_size = "1366x768"

    def test_count_scan_tour(self):
        self.env.ref("base.user_admin").group_ids += self.env.ref(
            "stock.group_production_lot"
        )
        shelf = self.env["stock.location"].create(
            {"name": "Tour shelf", "location_id": self.stock_location.id}
        )
        self._receive_class(self.scanner, ["CNT-HERE", "CNT-GONE"], shelf)
        count = self.env["serial.count"].create(
            {"name": "Tour count", "location_id": shelf.id}
        )
        self.start_tour(
            "/odoo/action-serial_tracking_count.serial_count_action",
            "serial_tracking_count_tour",
            login="admin",
        )
        self.assertEqual(count.state, "done")
        gone = self.env["stock.lot"].search([("name", "=", "CNT-GONE")])
        self.assertEqual(
            gone.quant_ids.filtered(lambda q: q.quantity > 0).location_id.usage,
            "inventory",
        )
