from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import RecallCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallFlow(RecallCommon):
    """Split, blocking, quarantine, statuses, notices, value, close and reopen."""

    def test_split_and_block(self):
        open_out = self._create_delivery(self.units[5:6], partner=self.customer_2)
        recall = self._confirmed(product_ids=self.scanner.ids)
        self.assertEqual(recall.unit_count, 6)
        held = recall.line_ids.filtered(lambda line: line.position == "held")
        self.assertEqual(held.lot_id, self.units[3:5])
        self.assertEqual(held.warehouse_id, self.warehouse_1)
        self.assertEqual(held.location_id, self.stock_location)
        on_delivery = self.lines_of(recall, self.units[5])
        self.assertEqual(on_delivery.position, "open_delivery")
        self.assertEqual(on_delivery.picking_id, open_out)
        delivered = self.lines_of(recall, self.units[0])
        self.assertEqual(delivered.position, "delivered")
        self.assertEqual(delivered.customer_id, self.customer)
        self.assertEqual(delivered.picking_id, self.delivery)
        self.assertEqual(delivered.status, "to_notify")
        self.assertTrue(delivered.delivery_date)
        self.assertEqual(
            recall.customer_ids.partner_id, self.customer | self.customer_2
        )
        self.assertEqual(set(self.units.mapped("unit_state")), {"recalled"})
        self.assertEqual(self.units[3].open_recall_id, recall)
        self.assertEqual(
            self.units[3].event_ids.sorted("id")[-1].event_type, "recalled"
        )
        # the dispatch screen (serial_tracking_barcode) refuses it with the recall
        if hasattr(open_out, "serial_dispatch_scan"):
            result = open_out.serial_dispatch_scan("RC-6", "recall-scan-1")
            self.assertEqual(result["status"], "error")
            self.assertEqual(result["reason"], "unit_blocked")
            self.assertIn(recall.name, result["message"])
        # Odoo's own validation of the open delivery refuses the unit, naming it
        open_out.move_ids.picked = True
        with self.assertRaisesRegex(UserError, f"RC-6 is under recall {recall.name}"):
            open_out.button_validate()

    def test_quarantine_move(self):
        recall = self._confirmed(product_ids=self.scanner.ids)
        recall.action_quarantine_move()
        quarantine = self.warehouse_1.serial_quarantine_location_id
        self.assertTrue(quarantine)
        self.assertEqual(self.units[3:].location_id, quarantine)
        self.assertEqual(set(self.units[3:].mapped("unit_state")), {"quarantined"})
        held = recall.line_ids.filtered(lambda line: line.position == "held")
        self.assertEqual(set(held.mapped("quarantine")), {"moved"})
        picking = self.env["stock.picking"].search([("origin", "=", recall.name)])
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_line_ids.lot_id, self.units[3:])
        with self.assertRaisesRegex(UserError, "No unit"):
            recall.action_quarantine_move()

    def test_quarantine_block_in_place(self):
        recall = self._confirmed(product_ids=self.scanner.ids)
        recall.action_quarantine_block()
        self.assertEqual(self.units[3:].location_id, self.stock_location)
        self.assertEqual(set(self.units[3:].mapped("unit_state")), {"quarantined"})
        self.assertEqual(set(self.units[:3].mapped("unit_state")), {"recalled"})

    def test_automatic_statuses_return_and_scrap(self):
        recall = self._confirmed(product_ids=self.scanner.ids)
        self._return(self.delivery_2)
        line = self.lines_of(recall, self.units[2])
        self.assertEqual(line.status, "returned")
        self.assertEqual(line.position, "held")
        self.assertEqual(line.location_id, self.stock_location)
        self.assertEqual(self.units[2].unit_state, "recalled")
        self._scrap(self.units[4])
        self.assertEqual(self.lines_of(recall, self.units[4]).status, "destroyed")

    def test_close_restores_states_and_reopen(self):
        recall = self._confirmed(product_ids=self.scanner.ids)
        recall.action_quarantine_block()
        recall.line_ids.action_mark_closed()
        self.assertEqual(recall.state, "closed", "closes when every unit is closed")
        self.assertEqual(
            self.units.mapped("unit_state"), ["delivered"] * 3 + ["in_stock"] * 3
        )
        self.assertFalse(self.units[3].open_recall_id)
        self.assertEqual(self.units[3]._serial_block_messages(), {})
        recall.action_reopen()
        self.assertEqual(recall.state, "open")
        # every unit is closed: reopening blocks none of them again
        self.assertEqual(self.units[3].unit_state, "in_stock")
        recall.line_ids[:1].with_context(
            serial_recall_internal=True
        ).status = "notified"
        recall.action_close()
        recall.action_reopen()
        self.assertEqual(recall.line_ids[:1].lot_id.unit_state, "recalled")

    def test_cancel_keeps_units_of_another_open_recall(self):
        first = self._confirmed(serial_input="RC-4 RC-5")
        second = self._confirmed(serial_input="RC-5")
        first.action_cancel()
        self.assertEqual(self.units[3].unit_state, "in_stock")
        self.assertEqual(self.units[4].unit_state, "recalled")
        self.assertEqual(self.units[4].open_recall_id, second)

    def test_notice_per_customer(self):
        recall = self._confirmed(product_ids=self.scanner.ids)
        notices = recall.customer_ids
        notices.action_send()
        mails = self.env["mail.mail"].search(
            [("model", "=", "serial.recall.customer"), ("res_id", "in", notices.ids)]
        )
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"}, "queued")
        first = mails.filtered(lambda m: m.res_id == notices[0].id)
        notice = notices[0]
        theirs = notice.line_ids.lot_id.mapped("name")
        others = (recall.line_ids.lot_id - notice.line_ids.lot_id).mapped("name")
        for name in theirs:
            self.assertIn(name, first.body_html)
        for name in others:
            self.assertNotIn(name, first.body_html)
        self.assertIn(recall.name, first.subject)
        delivered = recall.line_ids.filtered(lambda line: line.position == "delivered")
        self.assertEqual(set(delivered.mapped("status")), {"notified"})
        self.assertIn(recall.name, self.customer.message_ids[0].body)
        notice.action_acknowledge()
        self.assertEqual(notice.state, "acknowledged")
        self.assertTrue(notice.acknowledged_date)

    def test_value_against_odoo_valuation(self):
        self.scanner.lot_valuated = True
        for lot in self.units:
            lot.standard_price = 40.0
        self.units[3].standard_price = 55.0
        recall = self._confirmed(product_ids=self.scanner.ids)
        held_lots = self.units[3:]
        quants = self.env["stock.quant"].search(
            [("lot_id", "in", held_lots.ids), ("location_id.usage", "=", "internal")]
        )
        self.assertAlmostEqual(recall.held_value, sum(quants.mapped("value")))
        self.assertAlmostEqual(recall.held_value, sum(held_lots.mapped("total_value")))
        self.assertAlmostEqual(self.lines_of(recall, self.units[3]).cost_value, 55.0)

    def test_value_product_cost(self):
        recall = self._confirmed(serial_input="RC-4 RC-5")
        quants = self.env["stock.quant"].search(
            [
                ("lot_id", "in", self.units[3:5].ids),
                ("location_id.usage", "=", "internal"),
            ]
        )
        self.assertAlmostEqual(recall.held_value, sum(quants.mapped("value")))
        self.assertAlmostEqual(recall.held_value, 80.0)

    def test_background_confirmation(self):
        self.env["ir.config_parameter"].set_param(
            "serial_tracking_recall.background_threshold", 2
        )
        recall = self._recall(product_ids=self.scanner.ids)
        recall.action_confirm()
        self.assertEqual(recall.state, "computing")
        self.assertEqual(recall.progress_total, 6)
        self.assertFalse(recall.line_ids)
        self.assertEqual(recall._serial_recall_process_chunk(size=4), 4)
        self.assertEqual(recall.progress_done, 4)
        self.assertEqual(recall.state, "computing")
        self.assertEqual(recall._serial_recall_process_chunk(size=4), 2)
        self.assertEqual(recall.state, "open")
        self.assertEqual(recall.line_ids.lot_id, self.units)
        self.assertEqual(recall.progress, 100.0)

    def test_access_and_multi_company(self):
        user = mail_new_test_user(
            self.env, "recall_user", groups="stock.group_stock_user"
        )
        recall = self._confirmed(serial_input="RC-4")
        self.assertEqual(recall.with_user(user).name, recall.name)
        with self.assertRaises(AccessError):
            self.env["serial.recall"].with_user(user).create({"title": "No"})
        with self.assertRaises(AccessError):
            recall.with_user(user).action_close()
        other = self.env["res.company"].create({"name": "Recall Other Co"})
        manager = self._stock_user(
            "recall_other", other, groups="stock.group_stock_manager"
        )
        Recall = self.env["serial.recall"].with_user(manager)
        self.assertFalse(Recall.search([("id", "=", recall.id)]))
        self.assertFalse(
            self.env["serial.recall.line"].with_user(manager).search_count([])
        )
        theirs = Recall.create({"title": "Theirs", "product_ids": self.scanner.ids})
        with self.assertRaisesRegex(UserError, "matches no unit"):
            theirs.action_confirm()
