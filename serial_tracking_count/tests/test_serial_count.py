from dataclasses import replace
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.serial_tracking_barcode.tools.scan_decision import Refusal

from .common import SerialCountCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialCount(SerialCountCommon):
    def _signature(self, moves):
        return sorted(
            (
                m.product_id.id,
                m.move_line_ids.lot_id.id or 0,
                m.location_id.id,
                m.location_dest_id.id,
                m.quantity,
                m.is_inventory,
                m.state,
            )
            for m in moves
        )

    def _quants(self):
        quants = self.env["stock.quant"].search(
            [("product_id", "in", (self.scanner | self.reagent | self.bolt).ids)]
        )
        return sorted(
            (q.product_id.id, q.lot_id.name or "", q.location_id.id, q.quantity)
            for q in quants
            if q.quantity
        )

    def test_live_result_and_nothing_applied(self):
        count = self._count()
        moves_before = self.env["stock.move"].search_count([])
        quants_before = self._quants()
        results = self._scan(
            count,
            "H1",
            "H2",
            "(01)05410000000019(21)H3",
            "T1",
            "D1",
            "(01)05410000000019(21)NEW-1",
        )
        self.assertEqual(
            [r["kind"] for r in results], ["found"] * 3 + ["unexpected"] * 3
        )
        self.assertEqual(
            (count.found_count, count.missing_count, count.unexpected_count), (3, 2, 3)
        )
        result = count._count_result()
        self.assertEqual(
            sorted(u["reason"] for u in result["unexpected"]),
            ["elsewhere", "not_in_stock", "unknown"],
        )
        summary = count.get_summary()
        row = next(p for p in summary["products"] if p["product_id"] == self.scanner.id)
        self.assertEqual((row["found"], row["missing"], row["unexpected"]), (3, 2, 3))
        self.assertEqual(self.env["stock.move"].search_count([]), moves_before)
        self.assertEqual(self._quants(), quants_before, "nothing applied yet")
        self.assertEqual(count.state, "draft")

    def test_double_scan_refused(self):
        count = self._count()
        self._scan(count, "H1")
        again = count.action_scan("(01)05410000000019(21)H1")
        self.assertEqual(again["status"], "error")
        self.assertIn("already counted", again["message"])
        self.assertEqual(len(count.line_ids), 1)

    def test_refusals(self):
        count = self._count()
        for code, message in [
            ("H\x001", "control characters"),
            ("NOPE-42", "Unknown barcode"),
            ("5410000000019", "product barcode of"),
            ("(01)05410000000019", "product barcode of"),
            ("(01)09506000134352", "product barcode of"),
            ("", "Empty scan"),
            ("x" * 300, "longer than"),
        ]:
            result = count.action_scan(code)
            self.assertEqual(result["status"], "error", code)
            self.assertIn(message, result["message"])
        self.assertFalse(count.line_ids)

    def test_resume_and_two_counters(self):
        count = self._count()
        self._scan(count, "H1")
        other = count.with_user(self.user_stock_user)
        self.user_stock_user.group_ids += self.env.ref("stock.group_production_lot")
        self._scan(other, "H2")
        self.assertEqual(other.action_scan("H1")["status"], "error")
        self.assertEqual(count.line_ids.user_id, self.env.user | self.user_stock_user)
        self.assertEqual(count.found_count, 2)

    def test_apply(self):
        count = self._count(allow_unknown=True)
        self._scan(count, "H1", "H2", "H3", "T1", "D1", "(01)05410000000019(21)NEW-1")
        count.action_apply()
        self.assertEqual(count.state, "done")
        loss = self.scanner.property_stock_inventory
        lots = self.env["stock.lot"].search([("product_id", "=", self.scanner.id)])
        where = {
            lot.name: lot.quant_ids.filtered(
                lambda q: q.quantity > 0 and q.location_id.usage != "customer"
            ).location_id
            for lot in lots
        }
        for name in ("H1", "H2", "H3", "T1", "D1", "NEW-1"):
            self.assertEqual(where[name], self.here, name)
        self.assertEqual(where["H4"], loss)
        self.assertEqual(where["H5"], loss)
        self.assertEqual(where["T2"], self.there)
        events = self.env["serial.event"].search(
            [("event_type", "=", "counted"), ("reference", "=", count.name)]
        )
        self.assertEqual(
            sorted(events.lot_id.mapped("name")),
            ["D1", "H1", "H2", "H3", "H4", "H5", "NEW-1", "T1"],
        )
        self.assertEqual(
            (count.found_count, count.missing_count, count.unexpected_count), (3, 2, 3)
        )
        with self.assertRaisesRegex(UserError, "closed"):
            count.action_apply()
        closed = count.action_scan("H4")
        self.assertEqual(closed["status"], "error")
        self.assertIn("closed", closed["message"])

    def test_unknown_not_received_unless_allowed(self):
        count = self._count()
        self._scan(count, "(01)05410000000019(21)NEW-2")
        count.action_apply()
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "NEW-2")]))

    def test_batches_and_untracked(self):
        count = self._count()
        self._scan(
            count,
            *["(01)09506000134352(10)B1"] * 8,
            "2099999000011",
            "2099999000011",
            "(01)09506000134352(10)B9",
        )
        count.allow_unknown = True
        result = count._count_result()
        by_key = {
            (q["product_id"], q["lot_id"] or q["lot_name"]): q
            for q in result["quantities"]
        }
        self.assertEqual(by_key[self.reagent.id, self.batch.id]["counted"], 8)
        self.assertEqual(by_key[self.reagent.id, self.batch.id]["expected"], 10)
        self.assertEqual(by_key[self.bolt.id, False]["counted"], 2)
        self.assertEqual(by_key[self.bolt.id, False]["expected"], 7)
        self.assertEqual(by_key[self.reagent.id, "B9"]["counted"], 1)
        count.action_apply()
        quants = self.env["stock.quant"].search([("location_id", "=", self.here.id)])
        qty = {(q.product_id, q.lot_id.name): q.quantity for q in quants}
        self.assertEqual(qty[self.reagent, "B1"], 8)
        self.assertEqual(qty[self.reagent, "B9"], 1)
        self.assertEqual(qty[self.bolt, False], 2)

    def test_same_as_physical_inventory(self):
        """The count's moves and quants equal Odoo's own Physical Inventory doing
        the same adjustment (counted quantities, then Relocate)."""

        class Rollback(Exception):
            pass

        codes = ("H1", "H2", "T1", *["(01)09506000134352(10)B1"] * 6, "2099999000011")
        last = self.env["stock.move"].search([], order="id desc", limit=1).id
        with self.assertRaises(Rollback), self.env.cr.savepoint():
            count = self._count()
            self._scan(count, *codes)
            count.action_apply()
            ours = self._signature(self.env["stock.move"].search([("id", ">", last)]))
            ours_quants = self._quants()
            raise Rollback  # undo our apply, then do it Odoo's way
        self.env.invalidate_all()
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        missing = Quant.search(
            [
                ("lot_id", "in", self.h_lots.ids),
                ("lot_id.name", "in", ["H3", "H4", "H5"]),
                ("quantity", ">", 0),
            ]
        )
        missing.inventory_quantity = 0
        batch = Quant.search(
            [("lot_id", "=", self.batch.id), ("location_id", "=", self.here.id)]
        )
        batch.inventory_quantity = 6
        bolt = Quant.search(
            [("product_id", "=", self.bolt.id), ("location_id", "=", self.here.id)]
        )
        bolt.inventory_quantity = 1
        (missing | batch | bolt).action_apply_inventory()
        t1 = Quant.search([("lot_id.name", "=", "T1"), ("quantity", ">", 0)])
        wizard = Form(
            self.env["stock.quant.relocate"].with_context(
                active_model="stock.quant", active_ids=t1.ids, default_quant_ids=t1.ids
            )
        )
        wizard.dest_location_id = self.here
        wizard.save().action_relocate_quants()
        odoo = self._signature(self.env["stock.move"].search([("id", ">", last)]))
        self.assertEqual(ours, odoo)
        self.assertEqual(ours_quants, self._quants())

    def test_access_and_companies(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        count = self._count()
        self.user_stock_user.group_ids += self.env.ref("stock.group_production_lot")
        mine = count.with_user(self.user_stock_user)
        self._scan(mine, "H1")
        mine.action_apply()
        self.assertEqual(count.state, "done")
        other_wh = self.env["stock.warehouse"].search(
            [("company_id", "=", other.id)], limit=1
        )
        foreign = self.env["serial.count"].create(
            {"location_id": other_wh.lot_stock_id.id, "company_id": other.id}
        )
        self.env["stock.lot"].create(
            {"name": "FX-1", "product_id": self.scanner.id, "company_id": other.id}
        )
        result = self._count().action_scan("FX-1")
        self.assertEqual(result["status"], "error", "another company's unit")
        self.assertIn("Unknown barcode", result["message"])
        self.assertFalse(
            self.env["serial.count"]
            .with_user(self.user_stock_user)
            .search([("id", "=", foreign.id)])
        )
        with self.assertRaises(AccessError):
            count.with_user(self.user_stock_user).unlink()
        with self.assertRaisesRegex(UserError, "internal"):
            self._count(location_id=self.customer_location.id)

    def test_reserved_elsewhere_is_left_alone(self):
        t2 = self.t_lots.filtered(lambda lot: lot.name == "T2")
        delivery = self._create_delivery(t2, location=self.there)
        count = self._count()
        self._scan(count, "T2")
        result = count._count_result()
        self.assertEqual([u["reason"] for u in result["unexpected"]], ["reserved"])
        count.action_apply()
        self.assertEqual(delivery.move_line_ids.lot_id, t2)
        self.assertEqual(
            t2.quant_ids.filtered(lambda q: q.quantity > 0).location_id, self.there
        )

    def test_answer_carries_what_changed_in_the_live_result(self):
        """A scan's answer is the change of its product's row: added to the row
        the screen shows, it gives the row the full result computes."""
        count = self._count()
        before = {p["product_id"]: p for p in count.get_summary()["products"]}
        answers = self._scan(count, "H1", "T1", "2099999000011", "H2")
        self.assertEqual(
            [a["kind"] for a in answers], ["found", "unexpected", "quantity", "found"]
        )
        after = {p["product_id"]: p for p in count.get_summary()["products"]}
        for answer in answers:
            row = before[answer["product"]["product_id"]]
            for key, change in answer["product"]["changes"].items():
                row[key] += change
        self.assertEqual(before, after)
        refused = count.action_scan("H1")
        self.assertEqual(refused["reason"], "already_counted")
        self.assertFalse(refused["kind"] or refused["product"])

    def test_scan_key_replay_is_recorded_once(self):
        count = self._count()
        first = count.action_scan("2099999000011", "scan-key-0001")
        again = count.action_scan("2099999000011", "scan-key-0001")
        self.assertEqual((first["status"], again["status"]), ("ok", "ok"))
        self.assertEqual(again["reason"], "replayed")
        self.assertEqual(sum(count.line_ids.mapped("quantity")), 1)
        other = self._count(name="Other")
        with self.assertRaisesRegex(UserError, "another count"):
            other.action_scan("H1", "scan-key-0001")
        with self.assertRaisesRegex(UserError, "scan key"):
            count.action_scan("H1", "short")

    def test_not_stored_product_refused(self):
        self.env["product.product"].create(
            {"name": "Service", "type": "service", "barcode": "2099999000028"}
        )
        count = self._count()
        result = count.action_scan("2099999000028")
        self.assertEqual(result["reason"], "not_stored")
        self.assertFalse(count.line_ids)

    def test_scan_queries(self):
        """A serial scan is one round trip on a cold cache, as a request's: the
        count's lock, the unit's lookup and the scan row in one statement (its
        savepoint in the same round trip); a refused double scan writes nothing;
        an untracked product's barcode costs the lock (with the serial lookup), the
        manufacturer serial's, the product's, its storable flag and the row."""
        count = self._count()
        self._scan(count, "H1")
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            self.assertEqual(count.action_scan("H2")["kind"], "found")
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            self.assertEqual(count.action_scan("H2")["reason"], "already_counted")
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            self.assertEqual(count.action_scan("T1")["kind"], "unexpected")
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(6):
            self.assertEqual(count.action_scan("2099999000011")["kind"], "quantity")
        self.assertEqual(len(count.line_ids), 4)

    def test_row_written_ahead_is_the_plain_scans(self):
        """The scan row written with the lookup (``count_scan_sql``) holds what
        the flow's own insert after its decision holds, column by column."""
        ours, plain = self._count(), self._count()
        Flow = self.env["serial.scan.count"]
        for code, key in (("H1", "found-key-1"), ("T1", "unexpected-key-1")):
            self.assertEqual(Flow._scan(ours, code, key)["status"], "ok")
            answer = Flow._scan(plain, code, key.replace("key", "plain"), ahead=False)
            self.assertEqual(answer["status"], "ok")
        skip = {"id", "count_id", "scan_uid", "create_date", "write_date"}
        names = [
            name
            for name, field in self.env["serial.count.line"]._fields.items()
            if field.store and name not in skip
        ]
        self.env.flush_all()
        self.env.invalidate_all()
        rows = [
            [{k: v for k, v in row.items() if k != "id"} for row in count_rows]
            for count_rows in (
                ours.line_ids.sorted("lot_id").read(names),
                plain.line_ids.sorted("lot_id").read(names),
            )
        ]
        self.assertEqual(rows[0], rows[1])
        self.assertEqual(len(ours.line_ids), 2)

    def test_row_written_ahead_taken_back(self):
        """A decision that refuses the unit, or records another row, takes the row
        written ahead back: a refusal writes nothing, another row is the only one
        written (an addon's own decisions stay right)."""
        count = self._count()
        Flow = type(self.env["serial.scan.count"])
        original = Flow._scan_decide

        def refuse(flow, match, info, code):
            raise Refusal("not_stored", product="Scanner")

        with patch.object(Flow, "_scan_decide", refuse):
            self.assertEqual(count.action_scan("H1")["reason"], "not_stored")
        self.assertFalse(count.line_ids)

        def another(flow, match, info, code):
            scan, label, product = original(flow, match, info, code)
            return replace(scan, lot_id=self.h_lots[-1].id), label, product

        with patch.object(Flow, "_scan_decide", another):
            self.assertEqual(count.action_scan("H1")["status"], "ok")
        self.assertEqual(count.line_ids.lot_id, self.h_lots[-1])
        self._scan(count, "H1")
        self.assertEqual(len(count.line_ids), 2)
