from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from .common import SerialReportCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialWarrantyReport(SerialReportCommon):
    """Warranty exposure on a fixture: the scanner has 24 months of warranty, the
    printer 12; units delivered at known dates to two customers, one returned."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scanner.standard_price = 100.0
        cls.printer.standard_price = 40.0
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Warranty Customer", "is_company": True}
        )

    def test_exposure_by_month_product_customer(self):
        _p, scanners = self._receive(self.scanner, ["W1", "W2", "W3", "W4"])
        _p, printers = self._receive(self.printer, ["P1", "P2"])
        w1, w2, w3, w4 = scanners.sorted("name")
        p1, p2 = printers.sorted("name")
        # W1, W2 to the customer's contact 30 days ago: 23 months of warranty left
        self._backdate(
            self._deliver(w1 | w2, partner=self.customer_contact), self._days_ago(30)
        )
        # W3 400 days ago: still 330 days left; P1 400 days ago: expired (12 months)
        self._backdate(
            self._deliver(w3 | p1, partner=self.other_customer), self._days_ago(400)
        )
        self._backdate(self._deliver(p2), self._days_ago(10))
        # W4 delivered then returned: not with a customer, no exposure
        self._return(self._deliver(w4))

        Report = self.env["serial.warranty.report"]
        ours = [("product_id", "in", (self.scanner | self.printer).ids)]
        rows = Report.search(ours)
        self.assertEqual(set(rows.lot_id.mapped("name")), {"W1", "W2", "W3", "P2"})
        w1_row = rows.filtered(lambda row: row.lot_id == w1)
        self.assertEqual(w1_row.customer_id, self.customer)  # the company, not contact
        self.assertEqual(
            w1_row.warranty_end_date, self._days_ago(30) + relativedelta(months=24)
        )
        self.assertEqual(w1_row.value, 100.0)

        by_month = {
            month: (count, value)
            for month, count, value in Report._read_group(
                ours, ["warranty_end_month:month"], ["unit_count:sum", "value:sum"]
            )
        }

        def month(day):
            return day.replace(day=1)

        expected = {}
        for day, count, value in (
            (self._days_ago(30) + relativedelta(months=24), 2, 200.0),
            (self._days_ago(400) + relativedelta(months=24), 1, 100.0),
            (self._days_ago(10) + relativedelta(months=12), 1, 40.0),
        ):
            old = expected.get(month(day), (0, 0.0))
            expected[month(day)] = (old[0] + count, old[1] + value)
        self.assertEqual(by_month, expected)

        by_customer = dict(Report._read_group(ours, ["customer_id"], ["value:sum"]))
        self.assertEqual(
            by_customer, {self.customer: 240.0, self.other_customer: 100.0}
        )
        by_product = dict(Report._read_group(ours, ["product_id"], ["unit_count:sum"]))
        self.assertEqual(by_product, {self.scanner: 3, self.printer: 1})

    def test_last_delivery_stored_on_unit(self):
        """The unit keeps the move of its last delivery (the report's cost): a
        unit delivered, returned and delivered again is valued at the second
        delivery; the one-query fill of the new column (``_auto_init``) leaves what
        the state refresh leaves."""
        _p, lots = self._receive(self.scanner, ["D1", "D2", "D3"])
        d1, d2, d3 = lots.sorted("name")
        first = self._deliver(d1)
        self.assertEqual(d1.delivery_move_id, first.move_ids)
        self._return(first)
        self.assertEqual(d1.delivery_move_id, first.move_ids, "kept after the return")
        other = self._deliver(d2)
        self.scanner.standard_price = 120.0
        second = self._deliver(d1)
        self.assertEqual(d1.delivery_move_id, second.move_ids)
        self.assertEqual(d2.delivery_move_id, other.move_ids)
        self.assertFalse(d3.delivery_move_id)
        row = self.env["serial.warranty.report"].search([("lot_id", "=", d1.id)])
        self.assertEqual(row.value, 120.0)

        expected = {lot: lot.delivery_move_id for lot in lots}
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_lot SET delivery_move_id = NULL WHERE id = ANY(%s)",
            [lots.ids],
        )
        lots.invalidate_recordset(["delivery_move_id"])
        self.assertFalse(lots.delivery_move_id)
        self.env["stock.lot"]._serial_fill_delivery_moves()
        self.assertEqual({lot: lot.delivery_move_id for lot in lots}, expected)
