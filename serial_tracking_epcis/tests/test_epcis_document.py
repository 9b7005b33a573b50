import json

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..tools import epcis
from .common import EpcisCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestEpcisDocument(EpcisCommon):
    """The EPCIS document of a unit received, moved, delivered, returned and
    scrapped: one ObjectEvent per step, each checked against EPCIS 2.0 / CBV 2.0."""

    def _document(self, **filters):
        Epcis = self.env["serial.epcis"]
        text = "".join(Epcis._iter_document(Epcis._events_sql(**filters)))
        return json.loads(text)

    def test_unit_story(self):
        unit, pickings = self._unit_story()
        events = self.assertEpcisDocument(self._document(lot_ids=unit.ids))
        self.assertEqual(
            [(e["action"], e["bizStep"], e.get("disposition")) for e in events],
            [
                ("ADD", "commissioning", "active"),
                ("OBSERVE", "receiving", "in_progress"),
                ("OBSERVE", "storing", None),
                ("OBSERVE", "shipping", "in_transit"),
                ("OBSERVE", "receiving", "returned"),
                ("DELETE", "destroying", "destroyed"),
            ],
        )
        epc = "https://id.gs1.org/01/05410000000019/21/STORY-1"
        self.assertEqual({e["epcList"][0] for e in events}, {epc})
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        _commission, receiving, storing, shipping, returning, destroying = events

        def location(loc):
            return f"{base}/epcis/location/{loc.id}"

        def party(partner):
            return f"{base}/epcis/party/{partner.id}"

        self.assertEqual(receiving["bizLocation"]["id"], location(self.stock_location))
        self.assertEqual(receiving["readPoint"]["id"], location(self.stock_location))
        self.assertEqual(
            [t["type"] for t in receiving["bizTransactionList"]], ["recadv", "po"]
        )
        self.assertTrue(
            receiving["bizTransactionList"][1]["bizTransaction"].endswith("PO%2F0042")
        )
        self.assertIn(
            {"type": "owning_party", "source": party(self.partner_1)},
            receiving["sourceList"],
        )
        company = self.env.company.partner_id
        self.assertIn(
            {"type": "owning_party", "destination": party(company)},
            receiving["destinationList"],
        )
        self.assertEqual(storing["bizLocation"]["id"], location(self.shelf))
        self.assertNotIn("bizTransactionList", storing)
        self.assertEqual(shipping["readPoint"]["id"], location(self.shelf))
        self.assertNotIn("bizLocation", shipping)
        self.assertEqual(shipping["bizTransactionList"][0]["type"], "desadv")
        self.assertTrue(
            shipping["bizTransactionList"][0]["bizTransaction"].endswith(
                pickings["delivery"].name.replace("/", "%2F")
            )
        )
        self.assertIn(
            {"type": "owning_party", "destination": party(self.customer)},
            shipping["destinationList"],
        )
        self.assertEqual(returning["bizTransactionList"][0]["type"], "rma")
        self.assertIn(
            {"type": "possessing_party", "source": party(self.customer)},
            returning["sourceList"],
        )
        self.assertNotIn("bizLocation", destroying)
        # stable: the same events get the same ids, every event its own
        again = self._document(lot_ids=unit.ids)["epcisBody"]["eventList"]
        self.assertEqual([e["eventID"] for e in again], [e["eventID"] for e in events])
        self.assertEqual(len({e["eventID"] for e in events}), len(events))

    def test_time_zone_offset(self):
        self.env.user.tz = "Europe/Brussels"
        _picking, lots = self._receive(self.scanner, ["TZ-1"])
        events = self._document(lot_ids=lots.ids)["epcisBody"]["eventList"]
        self.assertIn(events[1]["eventTimeZoneOffset"], ("+01:00", "+02:00"))
        # PostgreSQL's offset, the one Python's time-zone database gives
        event = lots.event_ids.filtered(lambda e: e.event_type == "received")
        self.assertEqual(
            events[1]["eventTimeZoneOffset"],
            epcis.offset("Europe/Brussels", event.date),
        )
        self.assertTrue(events[1]["eventTime"].endswith("Z"))

    def test_known_time_zones(self):
        """The users' zones PostgreSQL knows; its own list is read once, not again
        for every export or page."""
        self.env.user.tz = "Europe/Brussels"
        other = new_test_user(self.env, login="epcis_tz")
        self.env.cr.execute(
            "UPDATE res_partner SET tz = 'Mars/Olympus' WHERE id = %s",
            [other.partner_id.id],
        )
        Epcis = self.env["serial.epcis"]
        Epcis._known_time_zones()
        with self.assertQueries(
            [
                """SELECT DISTINCT p.tz FROM res_users u
                     JOIN res_partner p ON p.id = u.partner_id
                    WHERE p.tz IS NOT NULL"""
            ]
        ):
            zones = Epcis._known_time_zones()
        self.assertIn("Europe/Brussels", zones)
        self.assertNotIn("Mars/Olympus", zones)

    def test_batch_period_and_biz_step(self):
        unit, _pickings = self._unit_story()
        batch = self.env["serial.batch"].create(
            {"name": "EPCIS-B", "product_id": self.scanner.id}
        )
        unit.batch_id = batch
        events = self._document(batch_ids=batch.ids)["epcisBody"]["eventList"]
        self.assertEqual(len(events), 6)
        shipping = self._document(lot_ids=unit.ids, biz_steps={"shipping"})
        self.assertEqual(len(shipping["epcisBody"]["eventList"]), 1)
        receipt_date = unit.receipt_date
        later = self._document(
            lot_ids=unit.ids, date_from=receipt_date.replace(year=receipt_date.year + 1)
        )
        self.assertEqual(later["epcisBody"]["eventList"], [])

    def test_access(self):
        unit, _pickings = self._unit_story()
        nobody = new_test_user(self.env, login="epcis_nobody")
        with self.assertRaises(AccessError):
            self.env["serial.epcis"].with_user(nobody)._events_sql(lot_ids=unit.ids)
        accountant = new_test_user(
            self.env, login="epcis_accountant", groups="account.group_account_readonly"
        )
        Epcis = self.env["serial.epcis"].with_user(accountant)
        text = "".join(Epcis._iter_document(Epcis._events_sql(lot_ids=unit.ids)))
        self.assertEqual(len(json.loads(text)["epcisBody"]["eventList"]), 6)

    def test_download_actions(self):
        unit, _pickings = self._unit_story()
        self.assertEqual(
            unit.action_epcis_download()["url"],
            f"/epcis/download?model=stock.lot&ids={unit.id}",
        )
