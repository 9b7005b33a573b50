from odoo.tests import tagged

from .common import SerialTrackingCommon
from .hoot import HootSuiteCase


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialTrackingUi(HootSuiteCase, SerialTrackingCommon):
    def test_hoot_suite(self):
        """The addon's Hoot (JS unit) tests, in headless Chromium."""
        self.run_hoot_suite("serial_tracking")

    def test_find_unit_tour(self):
        """Find a unit by manufacturer serial, read state and timeline, add a note."""
        admin = self.env.ref("base.user_admin")
        admin.group_ids += self.env.ref("stock.group_production_lot")
        _picking, unit = self._receive(self.scanner, ["TOUR-SN-1"])
        unit.manufacturer_serial = "TOURMFR-42"
        self.start_tour(
            "/odoo/action-serial_tracking.stock_lot_action_serial_units",
            "serial_tracking_find_unit_tour",
            login="admin",
        )
        self.assertEqual(unit.event_ids.sorted("id")[-1].event_type, "note")
        self.assertEqual(unit.event_ids.sorted("id")[-1].user_id, admin)
