from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


class RecallCommon(SerialTrackingCommon):
    """Units for recall tests, on top of ``SerialTrackingCommon``.

    - ``cls.receipt`` / ``cls.units``: six scanners ``RC-1`` .. ``RC-6`` received
      from ``cls.partner_1`` (the vendor), in batch ``cls.batch`` for ``RC-1..3``;
    - ``cls.delivery``: ``RC-1`` and ``RC-2`` delivered to ``cls.customer``;
      ``cls.delivery_2``: ``RC-3`` delivered to ``cls.customer_2``;
    - ``RC-4`` .. ``RC-6`` are still in stock;
    - ``_recall(**vals)``: a draft recall of the test company.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids += cls.env.ref("stock.group_stock_manager")
        cls.customer.email = "buyer@example.com"
        cls.customer_2 = cls.env["res.partner"].create(
            {"name": "Second Customer", "email": "second@example.com"}
        )
        cls.scanner.standard_price = 40.0
        cls.receipt, cls.units = cls._receive(
            cls.scanner, [f"RC-{i}" for i in range(1, 7)]
        )
        cls.units = cls.units.sorted("name")
        cls.batch = cls.env["serial.batch"].create(
            {"name": "RC-BATCH", "product_id": cls.scanner.id}
        )
        cls.units[:3].batch_id = cls.batch
        cls.delivery = cls._deliver(cls.units[:2], cls.customer)
        cls.delivery_2 = cls._deliver(cls.units[2:3], cls.customer_2)

    def _recall(self, **vals):
        return self.env["serial.recall"].create({"title": "Overheating", **vals})

    def _confirmed(self, **vals):
        recall = self._recall(**vals)
        recall.action_confirm()
        self.assertEqual(recall.state, "open")
        return recall

    def lines_of(self, recall, lot):
        return recall.line_ids.filtered(lambda line: line.lot_id == lot)
