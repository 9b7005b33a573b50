from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SerialTrackingCommon

SKIPPED_COLUMNS = {"id", "create_date", "write_date"}


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialEvent(SerialTrackingCommon):
    """The timeline is append-only: stock flows and notes, never rewritten."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls.env["stock.lot"].create(
            {"name": "SN-E1", "product_id": cls.scanner.id}
        )

    def test_relabel_is_recorded(self):
        self.lot.name = "SN-E1-NEW"
        event = self.lot.event_ids
        self.assertEqual(event.event_type, "relabelled")
        self.assertEqual(self.lot.event_count, 1)
        self.assertIn("SN-E1", event.description)
        self.assertIn("SN-E1-NEW", event.description)

    def test_relabel_of_several_units_names_each_old_serial(self):
        other = self.env["stock.lot"].create(
            {"name": "SN-P1", "product_id": self.printer.id}
        )
        (self.lot | other).write({"name": "SN-SHARED"})
        self.assertEqual(
            self.lot.event_ids.description, "SN-E1 relabelled as SN-SHARED"
        )
        self.assertEqual(other.event_ids.description, "SN-P1 relabelled as SN-SHARED")

    def test_events_cannot_be_rewritten_or_deleted(self):
        self.lot.name = "SN-E1-B"
        event = self.lot.event_ids
        with self.assertRaises(UserError):
            event.write({"description": "rewritten"})
        with self.assertRaises(UserError):
            event.unlink()
        self.assertTrue(event.exists())

    def test_events_go_with_their_unit(self):
        self.lot.name = "SN-E1-C"
        event = self.lot.event_ids
        self.lot.unlink()
        self.assertFalse(event.exists())

    def test_user_adds_a_note(self):
        action = self.lot.with_user(self.user_stock_user).action_log_note()
        form = Form(
            self.env["serial.event"]
            .with_user(self.user_stock_user)
            .with_context(**action["context"]),
            view="serial_tracking.serial_event_view_form_note",
        )
        form.description = "Customer reported a scratch"
        note = form.save()
        self.assertEqual(note.event_type, "note")
        self.assertEqual(note.user_id, self.user_stock_user)
        self.assertEqual(self.lot.event_ids, note)

    def test_users_cannot_forge_stock_events(self):
        with self.assertRaises(AccessError):
            self.env["serial.event"].with_user(self.user_stock_user).create(
                {"lot_id": self.lot.id, "event_type": "delivered"}
            )

    def test_history_is_searchable(self):
        _picking, lots = self._receive(self.scanner, ["SN-H1", "SN-H2"])
        received = self.env["serial.event"].search(
            [("lot_id.name", "=", "SN-H2"), ("event_type", "=", "received")]
        )
        self.assertEqual(
            received.lot_id, lots.filtered(lambda lot: lot.name == "SN-H2")
        )

    def test_forged_note_refused(self):
        """A note by RPC with another author, an old date or a reference is refused;
        context defaults cannot smuggle them in either: a note is the current user's,
        now."""
        Event = self.env["serial.event"].with_user(self.user_stock_user)
        admin = self.env.ref("base.user_admin")
        for forged in (
            {"user_id": admin.id},
            {"date": "2020-01-01 00:00:00"},
            {"reference": "WH/OUT/00001"},
            {"picking_id": False, "partner_id": self.customer.id},
        ):
            with self.subTest(forged=forged), self.assertRaises(AccessError):
                Event.create(
                    {
                        "lot_id": self.lot.id,
                        "event_type": "note",
                        "description": "forged",
                        **forged,
                    }
                )
        note = Event.with_context(
            default_user_id=admin.id, default_date="2020-01-01 00:00:00"
        ).create({"lot_id": self.lot.id, "description": "by hand"})
        self.assertEqual(note.user_id, self.user_stock_user)
        self.assertEqual(note.event_type, "note")
        self.assertGreaterEqual(note.date, self.lot.create_date.replace(microsecond=0))
        self.assertEqual(self.lot.event_ids.mapped("description"), ["by hand"])

    def test_bulk_events_are_the_rows_create_gives(self):
        """A flow's events written in bulk (``_serial_create_events``) are the rows
        ``create`` writes: defaults, the unit's product and company, shared and
        per-unit values."""
        _picking, lots = self._receive(self.scanner, ["SN-B1", "SN-B2", "SN-B3"])
        other = self.env["stock.lot"].create(
            {"name": "SN-B4", "product_id": self.printer.id}
        )
        units = lots | other
        vals_list = [
            {
                "lot_id": lot.id,
                "event_type": "moved",
                "location_id": self.stock_location.id,
                "description": f"bulk {lot.name}" if lot != other else False,
            }
            for lot in units
        ]
        Event = self.env["serial.event"].sudo()
        names = [
            name
            for name, field in Event._fields.items()
            if field.store and field.column_type and name not in SKIPPED_COLUMNS
        ]

        def rows(events):
            events.invalidate_recordset()
            return sorted(tuple(str(event[name]) for name in names) for event in events)

        with freeze_time("2026-03-02 09:30:00"):
            bulk = Event._serial_create_events(vals_list)
            orm = Event.create(vals_list)
        self.assertEqual(len(bulk), 4)
        self.assertEqual(rows(bulk), rows(orm))
        self.assertEqual(set(bulk.product_id), {self.scanner, self.printer})
        self.assertEqual(units.event_ids & bulk, bulk)
