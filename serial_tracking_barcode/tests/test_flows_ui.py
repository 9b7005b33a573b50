from datetime import datetime

from odoo.tests import HttpCase, tagged

from .flows_common import SerialFlowsCommon
from .tour_common import DESKTOP, PHONE, ScanTourMixin


@tagged("post_install", "-at_install", "serial_tracking")
class TestFlowsUi(ScanTourMixin, SerialFlowsCommon, HttpCase):
    """Receive and transfer by scan in headless Chromium, at phone and desktop width;
    screenshots go to ``.local/artefacts/dispatch/``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user.password = "st_dispatch_user"
        cls.small_receipt = cls._make_receipt(
            [(cls.product_serial, 3), (cls.product_plain, 2)]
        )

    def tour(self, url, name, size, shots):
        self.scan_tour(url, name, size, shots, login=self.user.login)

    def receipt_url(self):
        return f"/odoo/action-stock.action_picking_tree_all/{self.small_receipt.id}"

    def test_receive_tour_desktop(self):
        self.tour(
            self.receipt_url(),
            "serial_tracking_barcode_receive_tour",
            DESKTOP,
            ["receive_desktop"],
        )
        self.assertEqual(self.small_receipt.state, "done")
        units = self.env["stock.lot"].search([("name", "in", ["RCV-0001", "RCV-0002"])])
        self.assertEqual(set(units.mapped("unit_state")), {"in_stock"})
        self.assertEqual(
            units.filtered(lambda u: u.name == "RCV-0002").expiration_date,
            datetime(2027, 12, 31),
        )
        # the wrong unit scanned and removed on the screen was never made
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "RCV-0009")]))
        backorder = self.small_receipt.backorder_ids
        self.assertEqual(
            {m.product_id: m.product_uom_qty for m in backorder.move_ids},
            {self.product_serial: 1, self.product_plain: 1},
        )

    def test_receive_tour_phone(self):
        self.tour(
            self.receipt_url(),
            "serial_tracking_barcode_receive_phone_tour",
            PHONE,
            ["receive_phone"],
        )
        self.assertEqual(
            self.small_receipt.move_line_ids.filtered("picked").lot_id.mapped("name"),
            ["RCV-0003"],
        )

    def transfer_url(self):
        return "/odoo/action-serial_tracking_barcode.serial_transfer_client_action"

    def test_transfer_tour_desktop(self):
        self.tour(
            self.transfer_url(),
            "serial_tracking_barcode_transfer_tour",
            DESKTOP,
            ["transfer_desktop"],
        )
        unit = self.env["stock.lot"].search([("name", "=", "DSP0005")])
        self.assertEqual(unit.location_id, self.shelf_b)
        done = unit.event_ids.picking_id.filtered(
            lambda p: p.picking_type_code == "internal"
        )
        self.assertEqual(done.state, "done")
        # the wrong unit scanned and removed on the screen did not move
        wrong = self.env["stock.lot"].search([("name", "=", "DSP0006")])
        self.assertEqual(wrong.location_id, self.stock_location)
        self.assertEqual(wrong.unit_state, "in_stock")
        self.assertNotIn(done, wrong.event_ids.picking_id)

    def test_transfer_tour_phone(self):
        self.tour(
            self.transfer_url(),
            "serial_tracking_barcode_transfer_phone_tour",
            PHONE,
            ["transfer_phone"],
        )
        unit = self.env["stock.lot"].search([("name", "=", "DSP0008")])
        self.assertEqual(unit.location_id, self.shelf_b)
