from odoo import Command
from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon

# Columns that name the record rather than its values.
LINE_SKIP = {"id", "order_id", "create_date", "write_date", "create_uid", "write_uid"}
ORDER_SKIP = LINE_SKIP | {"name", "access_token", "date_order", "validity_date"}


@tagged("post_install", "-at_install", "serial_tracking")
class TestSaleScanEquivalence(SerialTrackingCommon):
    """One more unit scanned onto a line leaves the line and the order exactly as
    Odoo's own write of one more on the line does (every stored column), whether
    the scan keeps the line's price without recomputing it or, with a minimum
    quantity in the pricelist, lets Odoo recompute it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.group_user").implied_ids += cls.env.ref(
            "product.group_product_pricelist"
        ) | cls.env.ref("sale.group_discount_per_so_line")
        taxes = cls.env["account.tax"].create(
            [
                {"name": "Scan 15", "amount": 15.0, "type_tax_use": "sale"},
                {"name": "Scan 7.5", "amount": 7.5, "type_tax_use": "sale"},
            ]
        )
        cls.scanner.write({"list_price": 33.33, "taxes_id": [Command.set(taxes.ids)]})
        item = {"applied_on": "0_product_variant", "product_id": cls.scanner.id}
        cls.pricelists = cls.env["product.pricelist"].create(
            [
                {
                    "name": "Percent",
                    "item_ids": [
                        Command.create(
                            {
                                **item,
                                "compute_price": "percentage",
                                "percent_price": 12.5,
                            }
                        )
                    ],
                },
                {
                    "name": "Fixed",
                    "item_ids": [
                        Command.create(
                            {**item, "compute_price": "fixed", "fixed_price": 10.07}
                        )
                    ],
                },
                {
                    "name": "Breaks",
                    "item_ids": [
                        Command.create(
                            {**item, "compute_price": "fixed", "fixed_price": 50.0}
                        ),
                        Command.create(
                            {
                                **item,
                                "compute_price": "fixed",
                                "fixed_price": 40.0,
                                "min_quantity": 3,
                            }
                        ),
                    ],
                },
            ]
        )

    def setUp(self):
        super().setUp()
        names = [f"EQ{i}" for i in range(8)]
        self._receive(self.scanner, names)
        self.names = names

    def _order(self, pricelist):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": pricelist.id,
                "warehouse_id": self.warehouse_1.id,
            }
        )

    def _values(self, records, skip):
        names = [
            name
            for name, field in records._fields.items()
            if field.store and name not in skip and field.type not in ("one2many",)
        ]
        self.env.flush_all()
        records.invalidate_recordset()
        return [
            {key: value for key, value in row.items() if key != "id"}
            for row in records.read(names)
        ]

    def _compare(self, pricelist, scans=4):
        self.maxDiff = None
        ours, odoo = self._order(pricelist), self._order(pricelist)
        for name in self.names[:scans]:
            answer = ours.action_scan_unit(name)
            self.assertEqual(answer["status"], "ok", answer["message"])
        line = self.env["sale.order.line"].create(
            {"order_id": odoo.id, "product_id": self.scanner.id, "product_uom_qty": 1}
        )
        for _scan in range(scans - 1):
            self.env.flush_all()
            line.invalidate_recordset()
            line.product_uom_qty += 1
        self.assertEqual(
            self._values(ours.order_line, LINE_SKIP),
            self._values(odoo.order_line, LINE_SKIP),
        )
        self.assertEqual(self._values(ours, ORDER_SKIP), self._values(odoo, ORDER_SKIP))
        return ours

    def test_kept_price_percent_rule_with_discount(self):
        order = self._compare(self.pricelists[0])
        self.assertEqual(order.order_line.discount, 12.5)
        self.assertEqual(order.order_line.product_uom_qty, 4)

    def test_kept_price_fixed_rule(self):
        order = self._compare(self.pricelists[1], scans=7)
        self.assertEqual(order.order_line.price_unit, 10.07)
        self.assertAlmostEqual(order.amount_untaxed, 70.49)

    def test_minimum_quantity_recomputes_the_price(self):
        order = self._compare(self.pricelists[2])
        self.assertEqual(order.order_line.price_unit, 40.0, "the break at 3 applies")

    def test_repeat_scan_queries(self):
        """A repeat scan costs the lookup, the hold row and Odoo's recomputation of
        the amounts only (a cold cache, as a request's)."""
        order = self._order(self.pricelists[1])
        order.action_scan_unit(self.names[0])
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(16):
            answer = order.action_scan_unit(self.names[1])
            self.env.flush_all()
        self.assertEqual(answer["status"], "ok", answer["message"])
