from odoo.tests import HttpCase, no_retry, tagged

from odoo.addons.serial_tracking.tests.hoot import HootSuiteCase
from odoo.addons.serial_tracking_barcode.tests.tour_common import PHONE, ScanTourMixin

from .common import SerialCountCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestCountScanUi(ScanTourMixin, HttpCase, SerialCountCommon):
    """The count screen in the browser, at desktop width: a found unit, a refused
    double scan, an unexpected unit, the missing unit live, Apply after
    confirmation; a screenshot in ``.local/artefacts/dispatch/``."""

    size = "1366x768"
    shot = "count_desktop"
    tour = "serial_tracking_count_tour"

    def test_count_scan_tour(self):
        self.env.ref("base.user_admin").group_ids += self.env.ref(
            "stock.group_production_lot"
        )
        shelf = self.env["stock.location"].create(
            {"name": "Tour shelf", "location_id": self.stock_location.id}
        )
        self._receive_class(self.scanner, ["CNT-HERE", "CNT-GONE"], shelf)
        self._receive_class(self.scanner, ["CNT-THERE"], self.there)
        count = self.env["serial.count"].create(
            {"name": "Tour count", "location_id": shelf.id}
        )
        self.scan_tour(
            f"/odoo/action-serial_tracking_count.serial_count_action/{count.id}",
            self.tour,
            self.size,
            [self.shot],
        )
        self.assertEqual(count.state, "done")
        lots = self.env["stock.lot"].search([("name", "like", "CNT-")])
        where = {
            lot.name: lot.quant_ids.filtered(lambda q: q.quantity > 0).location_id
            for lot in lots
        }
        self.assertEqual(where["CNT-GONE"].usage, "inventory")
        self.assertEqual(where["CNT-THERE"], shelf, "relocated where it was found")


@tagged("post_install", "-at_install", "serial_tracking")
class TestCountScanUiPhone(TestCountScanUi):
    """The same count on a 360 px phone: Scan is the form's visible button."""

    size = PHONE
    shot = "count_phone"
    tour = "serial_tracking_count_phone_tour"


@tagged("post_install", "-at_install", "serial_tracking")
class TestCountHoot(HootSuiteCase):
    @no_retry
    def test_hoot_unit_tests(self):
        """Hoot unit tests of the count screen (@serial_tracking_count)."""
        self.run_hoot_suite("serial_tracking_count", timeout=600)
