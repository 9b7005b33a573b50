from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .flows_common import SerialFlowsCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestTransferScan(SerialFlowsCommon):
    """Transfer by scan (``serial.scan.transfer``): every outcome of a scan."""

    def lot(self, name):
        return self.env["stock.lot"].search([("name", "=", name)])

    def validate(self, picking, user=None):
        flow = self.env["serial.scan.transfer"].with_user(user or self.user)
        return flow.serial_transfer_validate(picking.id)

    def test_destination_then_units(self):
        picking = self.open_transfer()
        self.assertEqual(picking.picking_type_id, self.warehouse.int_type_id)
        result = self.transfer("LOC-B", picking)
        self.assertEqual(result["status"], "ok")
        self.assertTrue(result["transfer"]["destination_set"])
        result = self.transfer("DSP0005", picking)
        self.assertEqual(result["status"], "ok", result)
        # a unit leaves the locations as they are: the screen keeps its own
        self.assertNotIn("transfer", result)
        self.transfer("(01)07612345001012(21)DSP0008", picking)
        answer = self.validate(picking)
        self.assertEqual(answer["status"], "done", answer)
        self.assertEqual(picking.state, "done")
        self.assertNotEqual(answer["state"]["id"], picking.id)  # a new, empty transfer
        for name in ("DSP0005", "DSP0008"):
            unit = self.lot(name)
            self.assertEqual(unit.location_id, self.shelf_b)
            self.assertEqual(unit.unit_state, "in_stock")
            self.assertIn(picking, unit.event_ids.picking_id)

    def test_source_then_units_then_destination(self):
        picking = self.open_transfer()
        self.assertEqual(self.transfer("LOC-A", picking, role="source")["status"], "ok")
        self.assertRefused(self.transfer("DSP0005", picking), "not_in_stock", "Shelf A")
        self.assertEqual(self.transfer("DSP0008", picking)["status"], "ok")
        with self.assertRaises(UserError):
            self.validate(picking)  # no destination yet
        self.transfer("LOC-B", picking)
        self.assertEqual(picking.move_line_ids.location_dest_id, self.shelf_b)
        self.validate(picking)
        self.assertEqual(self.lot("DSP0008").location_id, self.shelf_b)

    def test_refusals(self):
        picking = self.open_transfer()
        self.assertRefused(self.transfer("DSP0005", picking), "location_first")
        self.transfer("LOC-B", picking)
        # DSP0000 is reserved on the delivery
        self.assertRefused(
            self.transfer("DSP0000", picking), "reserved_elsewhere", self.delivery.name
        )
        blocked = self.lot("DSP0006")
        blocked.with_user(self.manager).action_quarantine()
        self.assertRefused(self.transfer("DSP0006", picking), "unit_blocked", "DSP0006")
        self.assertRefused(self.transfer(self.GTIN_SERIAL, picking), "product_barcode")
        self.assertRefused(self.transfer("NOPE-1", picking), "unknown_code")
        self.assertRefused(self.transfer("X\x07", picking), "control_characters")
        self.assertEqual(self.transfer("DSP0007", picking)["status"], "ok")
        self.assertRefused(self.transfer("DSP0007", picking), "already_scanned")
        self.assertEqual(picking.move_line_ids.lot_id.mapped("name"), ["DSP0007"])
        self.assertEqual(self.lot("DSP0007").unit_state, "reserved")

    def test_unit_already_at_the_destination(self):
        picking = self.open_transfer()
        self.transfer("LOC-A", picking)
        self.assertRefused(
            self.transfer("DSP0008", picking), "same_location", "Shelf A"
        )

    def test_one_open_transfer_per_user(self):
        first = self.open_transfer()
        self.assertEqual(self.open_transfer(), first)
        self.transfer("LOC-B", first)
        self.transfer("DSP0005", first)
        self.assertEqual(self.open_transfer(), first)  # with a unit on it
        self.assertNotEqual(self.open_transfer(self.manager), first)

    def test_only_inventory_users_of_the_company(self):
        outsider = mail_new_test_user(
            self.env, login="st_flows_out2", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.open_transfer(outsider)
        picking = self.open_transfer()
        company_b = self.env["res.company"].create({"name": "Flows T"})
        user_b = mail_new_test_user(
            self.env,
            login="st_flows_tb",
            groups="stock.group_stock_user",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        with self.assertRaises(AccessError):
            self.transfer("LOC-B", picking, user=user_b)

    def test_scanned_transfer_takes_fast_validation(self):
        """A transfer by scan is an internal transfer of reserved units: big ones
        (here every size) validate through the core's fast path."""
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.fast_validation_min_lines", "1"
        )
        picking = self.open_transfer()
        self.transfer("LOC-B", picking)
        for code in ("DSP0005", "DSP0008"):
            self.assertEqual(self.transfer(code, picking)["status"], "ok")
        self.assertIsNotNone(picking.move_line_ids._serial_fast_internal_lines())
        self.assertEqual(self.validate(picking)["status"], "done")
        self.assertEqual(
            (self.lot("DSP0005") | self.lot("DSP0008")).location_id, self.shelf_b
        )
