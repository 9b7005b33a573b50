from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestMultiCompany(SerialTrackingCommon):
    """Each company sees and moves only its own units, events and batches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Serial Company B"})
        cls.warehouse_b = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company_b.id)], limit=1
        )
        cls.user_b = cls._stock_user("serial_user_b", cls.company_b)
        cls.batch_a = cls.env["serial.batch"].create(
            {
                "name": "RUN-A",
                "product_id": cls.scanner.id,
                "company_id": cls.company_a.id,
            }
        )
        cls.unit_a = cls.env["stock.lot"].create(
            {
                "name": "SN-A1",
                "product_id": cls.scanner.id,
                "company_id": cls.company_a.id,
                "batch_id": cls.batch_a.id,
            }
        )
        cls.unit_a.name = "SN-A1-R"  # gives it a timeline event

    def test_other_company_sees_nothing(self):
        Lot = self.env["stock.lot"].with_user(self.user_b)
        self.assertFalse(Lot.search([("serial_code", "ilike", "SN-A1")]))
        self.assertTrue(self.unit_a.event_ids)
        Event = self.env["serial.event"].with_user(self.user_b)
        self.assertFalse(Event.search([("lot_id", "=", self.unit_a.id)]))
        self.assertFalse(Event.search([("company_id", "=", self.company_a.id)]))
        Batch = self.env["serial.batch"].with_user(self.user_b)
        self.assertFalse(Batch.search([("company_id", "=", self.company_a.id)]))
        with self.assertRaises(AccessError):
            self.unit_a.with_user(self.user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.unit_a.event_ids.with_user(self.user_b).read(["event_type"])

    def test_unit_of_another_company_cannot_be_moved(self):
        stock_b = self.warehouse_b.lot_stock_id
        picking = (
            self.env["stock.picking"]
            .with_company(self.company_b)
            .create(
                {
                    "picking_type_id": self.warehouse_b.out_type_id.id,
                    "location_id": stock_b.id,
                    "location_dest_id": self.customer_location.id,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": self.scanner.id,
                                "product_uom_qty": 1,
                                "location_id": stock_b.id,
                                "location_dest_id": self.customer_location.id,
                            }
                        )
                    ],
                }
            )
        )
        with self.assertRaisesRegex(ValidationError, "SN-A1-R"):
            self.env["stock.move.line"].create(
                {
                    "move_id": picking.move_ids.id,
                    "picking_id": picking.id,
                    "product_id": self.scanner.id,
                    "lot_id": self.unit_a.id,
                    "quantity": 1,
                    "location_id": stock_b.id,
                    "location_dest_id": self.customer_location.id,
                }
            )

    def test_batch_of_another_company_refused(self):
        batch_b = self.env["serial.batch"].create(
            {
                "name": "RUN-B",
                "product_id": self.scanner.id,
                "company_id": self.company_b.id,
            }
        )
        with self.assertRaises(UserError):
            self.unit_a.batch_id = batch_b
