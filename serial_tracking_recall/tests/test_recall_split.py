from odoo.tests import tagged

from .common import RecallCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallSplit(RecallCommon):
    """Where ``split_sql`` finds each unit, case by case: a unit delivered, returned
    and delivered again; a unit returned and held; a lot held in part and delivered
    to two customers; a unit consumed (scrapped) is elsewhere."""

    def test_redelivered_unit_has_its_last_delivery(self):
        unit = self.units[0]
        back = self._return(self.delivery)
        again = self._deliver(unit, partner=self.customer_2)
        recall = self._confirmed(lot_ids=unit.ids)
        line = recall.line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.position, "delivered")
        self.assertEqual(line.picking_id, again)
        self.assertEqual(line.customer_id, self.customer_2)
        self.assertEqual(line.quantity, 1)
        self.assertNotEqual(line.picking_id, back)

    def test_returned_unit_is_with_us(self):
        self._return(self.delivery_2)
        recall = self._confirmed(lot_ids=self.units[2].ids)
        self.assertEqual(recall.line_ids.position, "held")
        self.assertEqual(recall.line_ids.location_id, self.stock_location)
        self.assertFalse(recall.line_ids.picking_id)

    def test_lot_held_in_part_and_delivered_twice(self):
        lot = self._receive_lot("REAG-SPLIT", 10)
        deliveries = self.env["stock.picking"]
        for partner, qty in ((self.customer, 3), (self.customer_2, 2)):
            out = self._create_delivery(lot, partner=partner)
            out.move_ids.product_uom_qty = qty
            out.move_ids.move_line_ids.quantity = qty
            out.move_ids.picked = True
            out.with_context(skip_expired=True).button_validate()
            self.assertEqual(out.state, "done")
            deliveries |= out
        recall = self._confirmed(lot_ids=lot.ids)
        by_position = {
            (line.position, line.customer_id, line.quantity, line.picking_id)
            for line in recall.line_ids
        }
        self.assertEqual(
            by_position,
            {
                ("held", self.env["res.partner"], 5, self.env["stock.picking"]),
                ("delivered", self.customer, 3, deliveries[0]),
                ("delivered", self.customer_2, 2, deliveries[1]),
            },
        )

    def test_scrapped_unit_is_elsewhere(self):
        self._scrap(self.units[4])
        recall = self._confirmed(lot_ids=self.units[3:5].ids)
        self.assertEqual(
            {(line.lot_id, line.position) for line in recall.line_ids},
            {(self.units[3], "held"), (self.units[4], "other")},
        )

    def test_positions_match_the_lines(self):
        """The preview's counts by position (``split_groups_sql``: no delivery read
        for a unit at its customer's) sum up exactly the lines confirming writes (every
        delivery read), over every kind of position: delivered, returned and
        delivered again, returned and held, on an open delivery, scrapped, and a
        lot held in part and delivered to two customers."""
        self._return(self.delivery)
        self._deliver(self.units[0], partner=self.customer_2)
        self._return(self.delivery_2)
        self._create_delivery(self.units[5], partner=self.customer)
        self._scrap(self.units[4])
        lot = self._receive_lot("REAG-GROUPS", 10)
        out = self._create_delivery(lot, partner=self.customer)
        out.move_ids.product_uom_qty = 4
        out.move_ids.move_line_ids.quantity = 4
        out.move_ids.picked = True
        out.with_context(skip_expired=True).button_validate()
        recall = self._recall(product_ids=(self.scanner | self.reagent).ids)
        split = recall._serial_recall_split_groups()
        recall.action_confirm()
        lines = recall.line_ids
        self.assertEqual(split["total"], len(lines.lot_id))
        self.assertEqual(
            split["positions"],
            {
                position: (
                    len(group.lot_id),
                    sum(group.mapped("quantity")),
                    sum(group.mapped("cost_value")),
                )
                for position, group in lines.grouped("position").items()
            },
        )
        self.assertEqual(
            set(lines.mapped("position")),
            {"held", "open_delivery", "delivered", "other"},
        )

    def test_split_runs_without_jit(self):
        """The split's statements run with PostgreSQL's JIT off (the core's
        ``no_jit``) and sorts kept in memory."""
        self.env.cr.execute("SET LOCAL jit = on")
        recall = self._recall(product_ids=self.scanner.ids)
        recall._serial_recall_split_groups()
        self.env.cr.execute("SHOW jit")
        self.assertEqual(self.env.cr.fetchone()[0], "off")
        self.env.cr.execute(
            "SELECT setting::int FROM pg_settings WHERE name = 'work_mem'"
        )
        self.assertGreaterEqual(self.env.cr.fetchone()[0], 65536)
