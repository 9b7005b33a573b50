from odoo import Command
from odoo.tests import tagged

from .hoot import HootSuiteCase


@tagged("post_install", "-at_install")
class TestSerialTrackingUi(HootSuiteCase):
    def test_hoot_suite(self):
        """The addon's Hoot (JS unit) tests, in headless Chromium."""
        self.run_hoot_suite("serial_tracking")

    def test_find_unit_tour(self):
        """Find a unit by manufacturer serial, read state and timeline, add a note."""
        admin = self.env.ref("base.user_admin")
        admin.group_ids += self.env.ref("stock.group_production_lot")
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        product = self.env["product.product"].create(
            {"name": "Tour Scanner", "is_storable": True, "tracking": "serial"}
        )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.lot_name = "TOUR-SN-1"
        picking.move_ids.picked = True
        picking.button_validate()
        unit = picking.move_line_ids.lot_id
        unit.manufacturer_serial = "TOURMFR-42"
        self.start_tour(
            "/odoo/action-serial_tracking.stock_lot_action_serial_units",
            "serial_tracking_find_unit_tour",
            login="admin",
        )
        self.assertEqual(unit.event_ids.sorted("id")[-1].event_type, "note")
        self.assertEqual(unit.event_ids.sorted("id")[-1].user_id, admin)
