from odoo.tests import no_retry, tagged

from odoo.addons.serial_tracking.tests.hoot import HootSuiteCase

from .common import SerialDispatchCommon
from .tour_common import DESKTOP, PHONE, ScanTourMixin


@tagged("post_install", "-at_install", "serial_tracking")
class TestDispatchUi(ScanTourMixin, SerialDispatchCommon, HootSuiteCase):
    """The dispatch screen in headless Chromium: tours and the Hoot unit tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user.password = "st_dispatch_user"

    def test_dispatch_tour_desktop(self):
        """Dispatch a delivery end to end with scanner input, at desktop width."""
        self.scan_tour(
            f"/odoo/action-stock.action_picking_tree_all/{self.delivery.id}",
            "serial_tracking_barcode_dispatch_tour",
            DESKTOP,
            ["desktop"],
            login=self.user.login,
        )
        self.assertEqual(self.delivery.state, "done")
        self.assertEqual(
            self.delivery.move_line_ids.filtered(
                lambda ml: ml.product_id == self.product_serial
            ).lot_id.mapped("name"),
            ["DSP0000", "DSP0001", "DSP0009"],
        )
        self.assertEqual(
            sum(self.move_of(self.delivery, self.product_plain).mapped("quantity")), 2
        )

    def test_dispatch_tour_phone(self):
        """The screen on a 360 px wide phone, opened from the Dispatch menu."""
        customer = self.env["res.partner"].create({"name": "Dispatch Phone Customer"})
        self.delivery.partner_id = customer
        self.scan_tour(
            "/odoo/action-serial_tracking_barcode.stock_picking_action_serial_dispatch",
            "serial_tracking_barcode_phone_tour",
            PHONE,
            ["phone"],
            login=self.user.login,
        )
        self.assertEqual(
            self.delivery.serial_dispatch_scan_ids.lot_id.mapped("name"), ["DSP0001"]
        )

    @no_retry
    def test_hoot_unit_tests(self):
        """Hoot unit tests of the screen's components (@serial_tracking_barcode)."""
        self.run_hoot_suite("serial_tracking_barcode", timeout=600)
