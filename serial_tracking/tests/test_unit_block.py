from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestUnitBlock(SerialTrackingCommon):
    """Blocked units (quarantined, recalled) cannot leave: ``_serial_block_messages``
    and Odoo's own validation of a delivery."""

    def test_block_messages(self):
        _picking, lots = self._receive(self.scanner, ["BLK-A", "BLK-B", "BLK-C"])
        lots[0]._set_sticky_state("quarantined", "quarantined")
        lots[1]._set_sticky_state("recalled", "recalled")
        messages = lots._serial_block_messages()
        self.assertEqual(set(messages), {lots[0].id, lots[1].id})
        self.assertEqual(
            messages[lots[0].id],
            "Serial BLK-A is quarantined and cannot leave the warehouse.",
        )
        self.assertIn("BLK-B is recalled", messages[lots[1].id])
        self.assertEqual(lots[2]._serial_block_messages(), {})
        self.assertEqual(self.env["stock.lot"]._serial_block_messages(), {})

    def test_delivery_validation_refuses_blocked_unit(self):
        _picking, lots = self._receive(self.scanner, ["BLK-D", "BLK-E"])
        delivery = self._create_delivery(lots)
        # blocked after the reservation, as a recall would
        lots[1]._set_sticky_state("recalled", "recalled")
        delivery.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "BLK-E is recalled"):
            delivery.button_validate()
        self.assertEqual(delivery.state, "assigned")
        self.assertEqual(lots.mapped("unit_state"), ["reserved", "recalled"])
        # programmatic validation takes the same road
        with self.assertRaisesRegex(UserError, "BLK-E"):
            delivery._action_done()
        # released, the unit goes
        lots[1].with_context(serial_release=True)._write_unit_values(
            {lots[1].id: {"unit_state": "in_stock"}}
        )
        lots[1]._refresh_unit_state()
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(set(lots.mapped("unit_state")), {"delivered"})

    def test_internal_move_of_blocked_unit_allowed(self):
        """Quarantine moves blocked units inside the warehouse: not a delivery."""
        _picking, lot = self._receive(self.scanner, ["BLK-F"])
        lot._set_sticky_state("quarantined", "quarantined")
        internal = self.env["stock.picking"].create(
            {
                "picking_type_id": self.picking_type_int.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.shelf_1.id,
            }
        )
        self.env["stock.move.line"].create(
            {
                "picking_id": internal.id,
                "product_id": self.scanner.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": self.stock_location.id,
                "location_dest_id": self.shelf_1.id,
            }
        )
        internal.move_ids.picked = True
        internal.button_validate()
        self.assertEqual(internal.state, "done")
        self.assertEqual(lot.location_id, self.shelf_1)
        self.assertEqual(lot.unit_state, "quarantined")
