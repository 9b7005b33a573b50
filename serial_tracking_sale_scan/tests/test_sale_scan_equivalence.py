from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from odoo.addons.sale.models.sale_order import SaleOrder
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

    repeat_scan_queries = 13

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's default (``test_sale_scan_global.py``; subclasses may change it).
        cls.env.company.tax_calculation_rounding_method = "round_globally"
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

    def _compare(self, pricelist, scans=4, other_lines=()):
        """Scan ``scans`` units onto a quotation and add as many on a line of
        another through Odoo's own create and writes; both quotations first get
        ``other_lines`` (line values) through Odoo's create. Every stored column of
        their lines and of the orders must be equal."""
        self.maxDiff = None
        ours, odoo = self._order(pricelist), self._order(pricelist)
        if other_lines:
            self.env["sale.order.line"].create(
                [
                    {**values, "order_id": order.id}
                    for order in (ours, odoo)
                    for values in other_lines
                ]
            )
        for name in self.names[:scans]:
            self.env.flush_all()
            self.env.invalidate_all()
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

    def _mixed_early_discount_term(self):
        """The customer's payment term: 2 % early discount computed on the mixed
        basis (its lines add to the totals: Odoo computes them)."""
        term = self.env["account.payment.term"].create(
            {
                "name": "2/7 net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 7,
                "early_pay_discount_computation": "mixed",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100.0, "nb_days": 30}
                    )
                ],
            }
        )
        self.customer.property_payment_term_id = term
        return term

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
        """A repeat scan costs the lock with the unit's lookup, the hold row and
        Odoo's recomputation of the line's amounts only (a cold cache, as a
        request's): the order's totals do not read its lines (taxes rounded
        globally, Odoo's default, or per line)."""
        order = self._order(self.pricelists[1])
        order.action_scan_unit(self.names[0])
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(self.repeat_scan_queries):
            answer = order.action_scan_unit(self.names[1])
            self.env.flush_all()
        self.assertEqual(answer["status"], "ok", answer["message"])


@tagged("post_install", "-at_install", "serial_tracking")
class TestSaleScanTotals(TestSaleScanEquivalence):
    """With taxes rounded per line, a scan moves the order's totals by the scanned
    line's change (a new line, one more unit) instead of Odoo's computation over
    every line
    (``tools/order_totals.py``): the lines and the order are still exactly what
    Odoo's own write leaves, among lines of price-included, fixed and cumulative
    taxes; the scan falls back to Odoo's computation when the totals do not add up.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.tax_calculation_rounding_method = "round_per_line"
        Tax = cls.env["account.tax"]
        included = Tax.create(
            {
                "name": "Scan 21 incl",
                "amount": 21.0,
                "price_include_override": "tax_included",
                "type_tax_use": "sale",
            }
        )
        fixed = Tax.create(
            {
                "name": "Scan eco 1.37",
                "amount": 1.37,
                "amount_type": "fixed",
                "type_tax_use": "sale",
            }
        )
        cumulative = Tax.create(
            [
                {
                    "name": "Scan 10 base",
                    "amount": 10.0,
                    "include_base_amount": True,
                    "sequence": 1,
                    "type_tax_use": "sale",
                },
                {
                    "name": "Scan 5.5",
                    "amount": 5.5,
                    "sequence": 2,
                    "type_tax_use": "sale",
                },
            ]
        )
        products = cls.env["product.product"].create(
            [
                {"name": name, "list_price": price, "taxes_id": [Command.set(taxes)]}
                for name, price, taxes in (
                    ("Cable 21 incl", 21.53, included.ids),
                    ("Battery eco", 7.77, fixed.ids),
                    ("Charger cumulative", 12.12, cumulative.ids),
                    ("Manual untaxed", 3.33, []),
                )
            ]
        )
        cls.other_lines = [
            {"product_id": product.id, "product_uom_qty": qty}
            for product, qty in zip(products, (3, 2, 7, 1), strict=True)
        ] + [{"display_type": "line_note", "name": "Handle with care"}]

    def _compare_counting(self, pricelist, scans, other_lines, computed):
        """``_compare``, counting Odoo's computations of the scanned quotation's
        totals by the scans: ``computed`` of them (the create of ``other_lines``
        computes them once more). The count is taken on sale's own definition,
        which stays Odoo's."""
        original = SaleOrder._compute_amounts
        orders = []

        def spy(records):
            orders.extend(records.ids)
            return original(records)

        with patch.object(SaleOrder, "_compute_amounts", spy):
            order = self._compare(pricelist, scans, other_lines)
        self.assertEqual(orders.count(order.id), computed + bool(other_lines))
        return order

    def test_repeat_scans_move_the_totals(self):
        order = self._compare_counting(
            self.pricelists[1], 6, self.other_lines, computed=0
        )
        self.assertEqual(order.order_line[-1:].product_uom_qty, 6)
        self.assertGreater(order.amount_tax, 0)

    def test_repeat_scans_kept_discount(self):
        self._compare_counting(self.pricelists[0], 5, self.other_lines, computed=0)

    def test_repeat_scans_minimum_quantity(self):
        """The price changes at 3 units: the line is recomputed by Odoo, the
        totals still move by its change."""
        order = self._compare_counting(
            self.pricelists[2], 4, self.other_lines, computed=0
        )
        self.assertEqual(order.order_line[-1:].price_unit, 40.0)

    def test_round_globally_keeps_odoo_computation(self):
        """Rounded globally, the fixed tax of a line keeps Odoo's computation
        (other taxes: ``test_sale_scan_global.py``)."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        self._compare_counting(self.pricelists[1], 4, self.other_lines, computed=4)

    def test_early_payment_discount_keeps_odoo_computation(self):
        term = self._mixed_early_discount_term()
        order = self._compare_counting(
            self.pricelists[1], 3, self.other_lines, computed=3
        )
        self.assertEqual(order.payment_term_id, term)

    def test_stale_totals_keep_odoo_computation(self):
        """Totals that are not the sums of the lines (left by a change of
        settings) are computed again by Odoo, which corrects them."""
        order = self._order(self.pricelists[1])
        self.env["sale.order.line"].create(
            [{**values, "order_id": order.id} for values in self.other_lines]
        )
        self.assertEqual(order.action_scan_unit(self.names[0])["status"], "ok")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET amount_untaxed = amount_untaxed + 1 WHERE id = %s",
            [order.id],
        )
        self.env.invalidate_all()
        self.assertEqual(order.action_scan_unit(self.names[1])["status"], "ok")
        self.env.flush_all()
        self.env.invalidate_all()
        lines = order.order_line.filtered(lambda line: not line.display_type)
        self.assertEqual(lines[-1:].product_uom_qty, 2)
        self.assertAlmostEqual(
            order.amount_untaxed, sum(lines.mapped("price_subtotal")), places=2
        )
        self.assertAlmostEqual(
            order.amount_total, sum(lines.mapped("price_total")), places=2
        )

    def test_repeat_scan_tracks_the_totals_as_odoo(self):
        """The totals a repeat scan moves are tracked in the chatter as Odoo's
        computation tracks them (``mail.thread._compute_field_value``); the suite
        runs without tracking, this test with it."""
        tracking = {
            key: value
            for key, value in self.env.context.items()
            if key not in ("tracking_disable", "mail_notrack")
        }
        self.env = self.env(context=tracking)
        ours, odoo = self._order(self.pricelists[1]), self._order(self.pricelists[1])
        self.env["sale.order.line"].create(
            [
                {**values, "order_id": order.id}
                for order in (ours, odoo)
                for values in self.other_lines
            ]
        )
        self.assertEqual(ours.action_scan_unit(self.names[0])["status"], "ok")
        line = self.env["sale.order.line"].create(
            {"order_id": odoo.id, "product_id": self.scanner.id, "product_uom_qty": 1}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()
        before = {order: order.message_ids for order in (ours, odoo)}
        self.env.invalidate_all()
        self.assertEqual(ours.action_scan_unit(self.names[1])["status"], "ok")
        line.product_uom_qty += 1
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = []
        for order in (ours, odoo):
            values = (order.message_ids - before[order]).tracking_value_ids
            tracked.append(
                sorted(
                    (value.field_id.name, value.old_value_float, value.new_value_float)
                    for value in values
                )
            )
        self.assertEqual(tracked[0], tracked[1])
        self.assertEqual(
            [name for name, _old, _new in tracked[0]],
            ["amount_total", "amount_untaxed"],
        )

    def test_repeat_scans_in_another_currency(self):
        """A quotation in another currency than the company's (its pricelist's,
        at a rate with many decimals): the totals rounded in that currency."""
        currency = self.env.ref("base.EUR")
        if currency == self.env.company.currency_id:
            currency = self.env.ref("base.CHF")
        currency.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": currency.id, "rate": 0.917351, "name": "2020-01-01"}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign", "currency_id": currency.id}
        )
        order = self._compare_counting(pricelist, 5, self.other_lines, computed=0)
        self.assertEqual(order.currency_id, currency)
