from odoo.tests import HttpCase, no_retry, tagged

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon
from odoo.addons.serial_tracking.tests.hoot import HootSuiteCase
from odoo.addons.serial_tracking_barcode.tests.tour_common import PHONE, ScanTourMixin


@tagged("post_install", "-at_install", "serial_tracking")
class TestOrderScanUi(ScanTourMixin, HttpCase, SerialTrackingCommon):
    """The Scan to Order screen driven in the browser at desktop width: customer, a
    refused scan, an accepted one, Confirm; the delivery reserves the scanned unit.
    A screenshot goes to ``.local/artefacts/dispatch/``."""

    size = "1366x768"
    shot = "sell_desktop"
    tour = "serial_tracking_sale_scan_tour"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.partner"].create({"name": "Tour Buyer"})
        cls.env.ref("base.user_admin").group_ids += cls.env.ref(
            "stock.group_production_lot"
        )

    def _receive_tour_units(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        _picking, lots = self._receive(
            self.scanner, ["TOUR-1", "TOUR-HELD"], location=warehouse.lot_stock_id
        )
        held = self.env["sale.order"].create({"partner_id": self.customer.id})
        result = held.action_scan_unit("TOUR-HELD")
        self.assertEqual(result["status"], "ok", result["message"])
        return lots

    def test_order_scan_tour(self):
        lots = self._receive_tour_units()
        self.scan_tour(
            "/odoo/action-serial_tracking_sale_scan.action_order_scan",
            self.tour,
            self.size,
            [self.shot],
        )
        order = self.env["sale.order"].search([("partner_id", "=", self.buyer.id)])
        self.assertEqual(order.state, "sale")
        tour_1 = lots.filtered(lambda lot: lot.name == "TOUR-1")
        self.assertEqual(order.picking_ids.move_line_ids.lot_id, tour_1)


@tagged("post_install", "-at_install", "serial_tracking")
class TestOrderScanUiPhone(TestOrderScanUi):
    size = PHONE
    shot = "sell_phone"
    tour = "serial_tracking_sale_scan_phone_tour"


@tagged("post_install", "-at_install", "serial_tracking")
class TestOrderScanHoot(HootSuiteCase):
    @no_retry
    def test_hoot_unit_tests(self):
        """Hoot unit tests of the Scan to Order screen (@serial_tracking_sale_scan)."""
        self.run_hoot_suite("serial_tracking_sale_scan", timeout=600)
