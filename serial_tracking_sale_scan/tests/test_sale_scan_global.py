import random
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from odoo.addons.sale.models.sale_order import SaleOrder

from . import test_sale_scan_equivalence

TOTALS = ("amount_untaxed", "amount_tax", "amount_total")


@tagged("post_install", "-at_install", "serial_tracking")
class TestSaleScanGlobal(test_sale_scan_equivalence.TestSaleScanEquivalence):
    """With taxes rounded globally (Odoo's default), a scan sets the order's
    totals from the sums of the lines' bases per set of taxes, through Odoo's
    own engine on one line per set (``tools/order_totals_global.py``): the lines
    and the order are still exactly what Odoo's own write leaves, among lines of
    several, price-included, division and cumulative taxes with discounts; the
    scan falls back to Odoo's computation outside that case and at a half cent.
    The equivalence tests of the parent class run here under this rounding."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # taxes rounded globally
        Tax = cls.env["account.tax"]

        def tax(name, amount, **values):
            return Tax.create(
                {"name": name, "amount": amount, "type_tax_use": "sale", **values}
            )

        incl = {"price_include_override": "tax_included"}
        cls.taxes = {
            "21": tax("G 21", 21.0),
            "10": tax("G 10", 10.0),
            "5.5": tax("G 5.5", 5.5),
            "8.25": tax("G 8.25", 8.25),
            "21 incl": tax("G 21 incl", 21.0, **incl),
            "10 incl": tax("G 10 incl", 10.0, **incl),
            "6 incl": tax("G 6 incl", 6.0, **incl),
            "div 5": tax("G div 5", 5.0, amount_type="division"),
            "div 8 incl": tax("G div 8 incl", 8.0, amount_type="division", **incl),
            "10 base": tax("G 10 base", 10.0, include_base_amount=True, sequence=1),
            "7 after": tax("G 7 after", 7.0, sequence=2),
            "fixed": tax("G eco 1.37", 1.37, amount_type="fixed"),
        }
        cls.tax_sets = [
            (),
            ("21",),
            ("10",),
            ("5.5", "8.25"),
            ("21 incl",),
            ("10 incl", "6 incl"),
            ("div 5",),
            ("div 8 incl",),
            ("10 base", "7 after"),
            ("21 incl", "10"),
        ]
        # Products of the other lines: one per set of taxes.
        cls.products = cls.env["product.product"].create(
            [
                {
                    "name": f"Goods {' + '.join(names) or 'untaxed'}",
                    "list_price": 10.0,
                    "taxes_id": [Command.set(cls._tax_ids(names))],
                }
                for names in cls.tax_sets
            ]
        )
        prices = (21.53, 12.12, 3.33, 7.77, 99.99)
        cls.other_lines = [
            {"product_id": product.id, "product_uom_qty": qty, "price_unit": price}
            for product, qty, price in zip(
                cls.products[1:6], (3, 2, 7, 1, 4), prices, strict=True
            )
        ] + [
            {
                "product_id": cls.products[8].id,
                "product_uom_qty": 5,
                "price_unit": 12.12,
                "discount": 12.5,
            },
            {"product_id": cls.products[0].id, "product_uom_qty": 1},
            {"display_type": "line_note", "name": "Handle with care"},
        ]

    @classmethod
    def _tax_ids(cls, names):
        return [cls.taxes[name].id for name in names]

    @contextmanager
    def _counting(self):
        """Yield the list of the ids of the orders Odoo's computation of the totals
        ran on (sale's own definition, which stays Odoo's)."""
        original = SaleOrder._compute_amounts
        orders = []

        def spy(records):
            orders.extend(records.ids)
            return original(records)

        with patch.object(SaleOrder, "_compute_amounts", spy):
            yield orders

    def _compare_counting(self, pricelist, scans, other_lines, computed):
        """``_compare``: Odoo computed the scanned quotation's totals at
        ``computed`` of the scans (at its create with ``other_lines`` once more)."""
        with self._counting() as orders:
            order = self._compare(pricelist, scans, other_lines)
        self.assertEqual(orders.count(order.id), computed + 1)
        return order

    def test_repeat_scans_set_the_totals(self):
        order = self._compare_counting(
            self.pricelists[1], 6, self.other_lines, computed=0
        )
        self.assertEqual(order.order_line[-1:].product_uom_qty, 6)
        self.assertGreater(order.amount_tax, 0)

    def test_repeat_scans_kept_discount(self):
        self._compare_counting(self.pricelists[0], 5, self.other_lines, computed=0)

    def test_repeat_scans_minimum_quantity(self):
        order = self._compare_counting(
            self.pricelists[2], 4, self.other_lines, computed=0
        )
        self.assertEqual(order.order_line[-1:].price_unit, 40.0)

    def test_first_scan_on_an_empty_quotation(self):
        self._compare_counting(self.pricelists[1], 3, (), computed=0)

    def test_only_price_included_taxes(self):
        """Only price-included taxes: Odoo rounds the lines' total, and the
        untaxed amount is what is left of it."""
        self.scanner.taxes_id = self.taxes["10 incl"] | self.taxes["6 incl"]
        lines = [
            values
            for values in self.other_lines
            if values.get("product_id") in self.products[4:6].ids
        ]
        self._compare_counting(self.pricelists[1], 4, lines, computed=0)

    def test_repeat_scans_in_another_currency(self):
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

    def test_fixed_tax_keeps_odoo_computation(self):
        fixed = {
            "product_id": self.products[1].id,
            "tax_ids": [Command.set(self.taxes["fixed"].ids)],
        }
        self._compare_counting(
            self.pricelists[1], 3, [*self.other_lines, fixed], computed=3
        )

    def test_group_of_taxes_keeps_odoo_computation(self):
        group = self.env["account.tax"].create(
            {
                "name": "G group",
                "amount_type": "group",
                "type_tax_use": "sale",
                "children_tax_ids": [Command.set(self.taxes["5.5"].ids)],
            }
        )
        grouped = {
            "product_id": self.products[1].id,
            "tax_ids": [Command.set(group.ids)],
        }
        self._compare_counting(
            self.pricelists[1], 2, [*self.other_lines, grouped], computed=2
        )

    def test_early_payment_discount_keeps_odoo_computation(self):
        self._mixed_early_discount_term()
        self._compare_counting(self.pricelists[1], 3, self.other_lines, computed=3)

    def test_half_cent_keeps_odoo_computation(self):
        """10 % of 12.35 is 1.235, a half cent: Odoo's rounding of the sum depends
        on its floating point errors, so Odoo computes the totals at 1 and 3 units
        (1.235, 3.705), not at 2 and 4 (2.47, 4.94)."""
        self.scanner.taxes_id = self.taxes["10"]
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Half cents",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.scanner.id,
                            "compute_price": "fixed",
                            "fixed_price": 12.35,
                        }
                    )
                ],
            }
        )
        self._compare_counting(pricelist, 4, (), computed=2)

    def test_random_orders(self):
        """Random quotations (lines of every set of taxes, prices, discounts and
        quantities, a price-included set alone or not) get random scans; after
        each, the stored totals are Odoo's full computation to the cent, and most
        scans did not need it."""
        rng = random.Random(1119)
        pools = [self.scanner, *self._scanned_products()]
        sets = [self._tax_ids(names) for names in self.tax_sets]
        units = {product: [] for product in pools}
        for product in pools:
            names = [f"RND-{product.id}-{i}" for i in range(80)]
            self._receive(product, names)
            units[product] = names
        scans = computed = 0
        for _order in range(30):
            order = self._order(self.env["product.pricelist"].browse())
            lines = []
            for _line in range(rng.randint(0, 14)):
                taxes = rng.choice(sets)
                lines.append(
                    {
                        "order_id": order.id,
                        "product_id": rng.choice(self.products).id,
                        "tax_ids": [Command.set(taxes)],
                        "price_unit": rng.choice(
                            (rng.randint(1, 99999) / 100, rng.randint(1, 999) / 100)
                        )
                        * rng.choice((1, 1, 1, 1, -1)),
                        "discount": rng.choice((0, 0, 0, 5, 12.5, 33.33)),
                        "product_uom_qty": rng.choice((1, 1, 2, 3, 7, 12, 0.5, 2.25)),
                    }
                )
            self.env["sale.order.line"].create(lines)
            for product in rng.sample(pools, rng.randint(1, len(pools))):
                for _scan in range(rng.randint(1, 3)):
                    self.env.flush_all()
                    self.env.invalidate_all()
                    with self._counting() as orders:
                        answer = order.action_scan_unit(units[product].pop())
                        self.env.flush_all()
                    self.assertEqual(answer["status"], "ok", answer["message"])
                    scans += 1
                    computed += bool(orders)
                    self.assertEqual(
                        self._stored_totals(order), self._odoo_totals(order)
                    )
        self.assertGreater(scans, 100)
        self.assertLess(computed, scans / 5, "the scans mostly set the totals")

    def _scanned_products(self):
        return self.env["product.product"].create(
            [
                {
                    "name": name,
                    "is_storable": True,
                    "tracking": "serial",
                    "list_price": price,
                    "taxes_id": [Command.set(self._tax_ids(names))],
                }
                for name, price, names in (
                    ("Sensor incl", 19.99, ("21 incl",)),
                    ("Dock cumulative", 48.35, ("10 base", "7 after")),
                    ("Cable division", 4.49, ("div 5", "21")),
                )
            ]
        )

    def _stored_totals(self, order):
        self.env.flush_all()
        order.invalidate_recordset(TOTALS)
        return [order[name] for name in TOTALS]

    def _odoo_totals(self, order):
        """The totals Odoo's own computation gives the order now."""
        for name in TOTALS:
            self.env.add_to_compute(order._fields[name], order)
        return [order[name] for name in TOTALS]
