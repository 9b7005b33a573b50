from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSaleScan(SerialTrackingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.group_user").implied_ids += cls.env.ref(
            "product.group_product_pricelist"
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Dealer",
                "item_ids": [
                    (
                        0,
                        0,
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.scanner.id,
                            "compute_price": "fixed",
                            "fixed_price": 321.0,
                        },
                    )
                ],
            }
        )
        cls.customer.property_product_pricelist = cls.pricelist

    def setUp(self):
        super().setUp()
        _picking, self.lots = self._receive(self.scanner, [f"S{i}" for i in range(6)])

    def _order(self):
        order_id = self.env["sale.order"].scan_create_order(self.customer.id)
        order = self.env["sale.order"].browse(order_id)
        order.warehouse_id = self.warehouse_1
        return order

    def _ok(self, order, code):
        result = order.action_scan_unit(code)
        self.assertEqual(result["status"], "ok", result["message"])
        return result

    def _refused(self, order, code, reason):
        lines = order.order_line.read(["product_uom_qty"])
        result = order.action_scan_unit(code)
        self.assertEqual(result["status"], "error", code)
        self.assertIn(reason, result["message"])
        self.assertEqual(order.order_line.read(["product_uom_qty"]), lines)

    def test_scan_adds_lines_at_the_customers_price(self):
        order = self._order()
        self._ok(order, "S0")
        answer = self._ok(order, "(01)05410000000019(21)S1")
        self.assertEqual(
            {key: answer["lines"][0][key] for key in ("id", "scanned", "serial")},
            {"id": order.order_line.id, "scanned": 2, "serial": "S1"},
        )
        state = order.scan_order_state()
        self.assertEqual(state["lines"][0]["serials"], ["S0", "S1"])
        self.assertEqual(len(order.order_line), 1)
        self.assertEqual(order.order_line.product_uom_qty, 2)
        self.assertEqual(order.order_line.price_unit, 321.0)
        self.assertEqual(order.scan_unit_ids.lot_id.mapped("name"), ["S0", "S1"])

    def test_refusals(self):
        order, other = self._order(), self._order()
        self._ok(order, "S0")
        self._ok(other, "S1")
        self._refused(order, "S0", "already on this order")
        self._refused(order, "S1", f"already on order {other.name}")
        delivery = self._create_delivery(
            self.lots.filtered(lambda lot: lot.name == "S2")
        )
        self._refused(order, "S2", f"reserved for {delivery.name}")
        self._deliver(self.lots.filtered(lambda lot: lot.name == "S3"))
        self._refused(order, "S3", "not in stock")
        self.lots.filtered(lambda lot: lot.name == "S4").action_quarantine()
        self._refused(order, "S4", "quarantined")
        s5 = self.lots.filtered(lambda lot: lot.name == "S5")
        s5.expiration_date = fields.Datetime.now() - timedelta(days=1)
        self._refused(order, "S5", "expired on")
        foreign = self.env["res.company"].create({"name": "Foreign Co"})
        self.env["stock.lot"].create(
            {"name": "FX-1", "product_id": self.scanner.id, "company_id": foreign.id}
        )
        self._refused(order, "FX-1", "another company")
        self._refused(order, "5410000000019", "product barcode of")
        self._refused(order, "NOPE", "Unknown barcode")
        self._refused(order, "(01)05410000000019(21)NOPE", "Unknown serial NOPE")
        self._refused(order, "S\x000", "control characters")

    def test_remove_frees_the_unit(self):
        order, other = self._order(), self._order()
        self._ok(order, "S0")
        self._ok(order, "S1")
        order.action_remove_scan_unit(self.lots.filtered(lambda l: l.name == "S0").id)
        self.assertEqual(order.order_line.product_uom_qty, 1)
        self._ok(other, "S0")
        order.action_remove_scan_unit(self.lots.filtered(lambda l: l.name == "S1").id)
        self.assertFalse(order.order_line)

    def test_confirm_reserves_the_scanned_units(self):
        order = self._order()
        for code in ("S4", "S2", "S5"):
            self._ok(order, code)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        delivery = order.picking_ids
        self.assertEqual(len(delivery), 1)
        self.assertEqual(
            sorted(delivery.move_line_ids.lot_id.mapped("name")), ["S2", "S4", "S5"]
        )
        self.assertEqual(
            set(delivery.move_line_ids.lot_id.mapped("unit_state")), {"reserved"}
        )
        self._refused(order, "S0", "confirmed")
        delivery.move_ids.picked = True
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        self.assertFalse(order.scan_unit_ids, "shipped units are no longer held")
        self.assertEqual(
            set(
                self.lots.filtered(lambda l: l.name in ("S2", "S4", "S5")).mapped(
                    "unit_state"
                )
            ),
            {"delivered"},
        )

    def test_cancel_frees_the_units(self):
        order, other = self._order(), self._order()
        self._ok(order, "S0")
        order._action_cancel()
        self._ok(other, "S0")

    def test_blocked_unit_refused_with_the_cores_reason(self):
        """A blocked unit is refused with ``stock.lot._serial_block_messages()``:
        the sentence a recall addon extends to name its recall."""
        order = self._order()
        s0 = self.lots.filtered(lambda lot: lot.name == "S0")
        s0.sudo()._set_sticky_state("recalled", "recalled")
        result = order.action_scan_unit("S0")
        self.assertEqual(result["reason"], "unit_blocked")
        self.assertEqual(result["message"], s0._serial_block_messages()[s0.id])
        self.assertFalse(order.order_line)

    def test_held_unit_not_reserved_by_another_delivery(self):
        """Between the scan and the confirmation, Odoo's automatic reservation of
        another delivery passes the units held by quotations; the quotation's own
        delivery reserves them."""
        order = self._order()
        for name in ("S0", "S1", "S2", "S3", "S4"):
            self._ok(order, name)
        held = order.scan_unit_ids.lot_id
        other = self.env["stock.picking"].create(
            {
                "picking_type_id": self.picking_type_out.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.customer_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.scanner.id,
                            "product_uom_qty": 2,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.customer_location.id,
                        }
                    )
                ],
            }
        )
        other.action_confirm()
        other.action_assign()
        self.assertEqual(other.move_line_ids.lot_id.mapped("name"), ["S5"])
        self.assertEqual(other.move_ids.quantity, 1, "one free unit only")
        other.move_ids._do_unreserve()
        other.action_assign()
        self.assertFalse(other.move_line_ids.lot_id & held)
        order.action_confirm()
        self.assertEqual(order.picking_ids.move_line_ids.lot_id, held)
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        other.action_assign()
        self.assertEqual(other.move_ids.quantity, 1, "shipped units stay gone")

    def test_scan_key_replay_is_recorded_once(self):
        order = self._order()
        first = order.action_scan_unit("S0", "sell-key-0001")
        again = order.action_scan_unit("S0", "sell-key-0001")
        self.assertEqual((first["status"], again["status"]), ("ok", "ok"))
        self.assertEqual(again["reason"], "replayed")
        self.assertEqual(order.order_line.product_uom_qty, 1)

    def test_only_salespeople_scan(self):
        order = self._order()
        with self.assertRaises(AccessError):
            order.with_user(self.user_stock_user).action_scan_unit("S0")
        self.assertFalse(order.order_line)
