from datetime import date

from odoo.tests import Form, tagged

from odoo.addons.serial_tracking_lookup.tests.common import LookupCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRepairWarranty(LookupCommon):
    """Warranty claims by serial, on top of the lookup fixtures: ``unit_sold`` was
    delivered to ``buyer`` today, ``unit_expired`` 400 days ago, ``unit_stock`` was
    never delivered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.repair_type = cls.warehouse_1.repair_type_id
        # the customer sends the delivered units back for repair
        cls.return_picking = cls._return(cls.delivery)
        cls._return(cls.delivery_old)

    def _repair(self, lot, partner=None):
        return self.env["repair.order"].create(
            {
                "picking_type_id": self.repair_type.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "partner_id": (partner or self.buyer).id,
            }
        )

    def test_in_warranty(self):
        repair = self._repair(self.unit_sold)
        self.assertTrue(repair.under_warranty)
        self.assertEqual(repair.serial_warranty_status, "active")
        self.assertEqual(
            repair.serial_warranty_end_date, self.unit_sold.warranty_end_date
        )
        self.assertGreater(repair.serial_warranty_end_date, date.today())
        self.assertFalse(repair.serial_not_delivered)

    def test_out_of_warranty(self):
        repair = self._repair(self.unit_expired)
        self.assertFalse(repair.under_warranty)
        self.assertEqual(repair.serial_warranty_status, "expired")
        self.assertLess(repair.serial_warranty_end_date, date.today())
        self.assertFalse(repair.serial_not_delivered)

    def test_never_delivered(self):
        repair = self._repair(self.unit_stock)
        self.assertTrue(repair.serial_not_delivered)
        self.assertEqual(repair.serial_warranty_status, "not_sold")
        self.assertFalse(repair.under_warranty)
        # delivered, but to someone else
        stranger = self.env["res.partner"].create({"name": "Someone Else"})
        other = self._repair(self.unit_sold, stranger)
        self.assertTrue(other.serial_not_delivered)
        self.assertTrue(other.under_warranty)  # the unit's warranty runs all the same

    def test_delivered_to_the_customer_company(self):
        """A claim by a contact of the company the unit went to is no stranger's."""
        (unit,) = self._receive_units(self.scanner, ["LK-CO-1"])
        self._deliver_units(unit, self.customer)
        repair = self._repair(unit, self.customer_contact)
        self.assertFalse(repair.serial_not_delivered)
        self.assertTrue(repair.under_warranty)

    def test_form_sets_under_warranty_from_the_serial(self):
        with Form(self.env["repair.order"]) as form:
            form.picking_type_id = self.repair_type
            form.partner_id = self.buyer
            form.product_id = self.scanner
            form.lot_id = self.unit_sold
            self.assertTrue(form.under_warranty)
            self.assertEqual(form.serial_warranty_status, "active")
            form.product_id = self.printer
            form.lot_id = self.unit_expired
            self.assertFalse(form.under_warranty)
            # a goodwill repair: ticked by hand, kept
            form.under_warranty = True
        repair = form.record
        self.assertTrue(repair.under_warranty)
        repair.partner_id = self.customer
        self.assertTrue(repair.under_warranty)

    def test_repair_on_the_timeline(self):
        repair = self._repair(self.unit_sold)
        repair.picking_id = self.return_picking
        before = self.unit_sold.event_ids
        repair.action_validate()
        self.assertEqual(repair.state, "confirmed")
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        events = (self.unit_sold.event_ids - before).sorted("id")
        self.assertEqual(
            events.filtered(lambda e: e.event_type.startswith("repair")).mapped(
                "event_type"
            ),
            ["repair_opened", "repair_received", "repair_done"],
        )
        opened = events.filtered(lambda e: e.event_type == "repair_opened")
        self.assertEqual(opened.reference, repair.name)
        self.assertEqual(opened.partner_id, self.buyer)
        self.assertIn("under warranty", opened.description)
        done = events.filtered(lambda e: e.event_type == "repair_done")
        self.assertEqual(done.move_id, repair.move_id)
        # a repair started straight from draft logs its opening too
        repair_2 = self._repair(self.unit_stock)
        repair_2.action_repair_start()
        self.assertEqual(
            self.unit_stock.event_ids.filtered(
                lambda e: e.event_type.startswith("repair")
            )
            .sorted("id")
            .mapped("event_type"),
            ["repair_opened", "repair_received"],
        )

    def test_two_repairs_of_one_unit_at_once(self):
        repairs = self._repair(self.unit_stock) | self._repair(self.unit_stock)
        repairs |= self._repair(self.unit_sold)
        repairs.action_repair_start()
        events = self.env["serial.event"].search(
            [("reference", "in", repairs.mapped("name"))]
        )
        self.assertEqual(len(events), 6)  # opened + received, per repair
        for repair in repairs:
            mine = events.filtered(lambda e, r=repair: e.reference == r.name)
            self.assertEqual(mine.lot_id, repair.lot_id)
            self.assertEqual(
                sorted(mine.mapped("event_type")), ["repair_opened", "repair_received"]
            )

    def test_lot_tracked_repairs_are_left_alone(self):
        lot = self.env["stock.lot"].create(
            {"name": "R-LOT-1", "product_id": self.reagent.id}
        )
        repair = self._repair(lot)
        self.assertFalse(repair.under_warranty)
        self.assertFalse(repair.serial_warranty_status)
        self.assertFalse(repair.serial_not_delivered)
        repair.under_warranty = True
        repair.action_repair_start()
        self.assertTrue(repair.under_warranty)
        self.assertFalse(lot.event_ids)
