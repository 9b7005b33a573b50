import re

from odoo import Command

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon

# EPCIS 2.0 (GS1, JSON-LD binding) and CBV 2.0 vocabularies the checks use, written
# from the standards (the official JSON schema may not be copied here).
ACTIONS = {"ADD", "OBSERVE", "DELETE"}
CBV_BIZ_STEPS = {
    "accepting", "arriving", "assembling", "collecting", "commissioning",
    "consigning", "creating_class_instance", "cycle_counting", "decommissioning",
    "departing", "destroying", "disassembling", "dispensing", "encoding",
    "entering_exiting", "holding", "inspecting", "installing", "killing", "loading",
    "other", "packing", "picking", "receiving", "removing", "repackaging",
    "repairing", "replacing", "reserving", "retail_selling", "sampling",
    "sensor_reporting", "shipping", "staging_outbound", "stock_taking", "stocking",
    "storing", "transporting", "unloading", "unpacking", "void_shipping",
}  # fmt: skip
CBV_DISPOSITIONS = {
    "active", "available", "completeness_verified", "completeness_inferred",
    "conformant", "container_closed", "container_open", "damaged", "destroyed",
    "dispensed", "disposed", "encoded", "expired", "in_progress", "in_transit",
    "inactive", "mismatch_instance", "mismatch_class", "mismatch_quantity",
    "needs_replacement", "no_pedigree_match", "non_conformant",
    "non_sellable_other", "partially_dispensed", "recalled", "reserved",
    "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible",
    "stolen", "unavailable", "unknown",
}  # fmt: skip
CBV_BIZ_TRANSACTION_TYPES = {
    "bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder",
    "recadv", "rma", "testprd", "testres", "upevt",
}  # fmt: skip
CBV_SOURCE_DEST_TYPES = {"owning_party", "possessing_party", "location"}
OBJECT_EVENT_KEYS = {
    "type", "eventID", "eventTime", "eventTimeZoneOffset", "recordTime",
    "errorDeclaration", "certificationInfo", "epcList", "quantityList", "action",
    "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
    "bizTransactionList", "sourceList", "destinationList", "sensorElementList",
    "ilmd",
}  # fmt: skip
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)
OFFSET = re.compile(r"^[+-](0\d|1[0-4]):[0-5]\d$")
EVENT_ID = re.compile(
    r"^(urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-"
    r"[0-9a-f]{12}|ni:///sha-256;[A-Za-z0-9_-]+\?ver=CBV2\.0)$"
)
SGTIN_DL = re.compile(r"^https://id\.gs1\.org/01/(\d{14})/21/([!-~]{1,60})$")
URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")


def gtin_check_digit_ok(gtin):
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(gtin[:13]))
    return (10 - total % 10) % 10 == int(gtin[13])


class EpcisCommon(SerialTrackingCommon):
    """A unit's whole story for the EPCIS tests, and the standard's checks.

    ``_unit_story()`` receives ``STORY-1`` (with ``STORY-2``) from ``partner_1``,
    moves it to a shelf, delivers it to ``customer``, takes it back and scraps it;
    ``assertObjectEvent(event)`` checks an event field by field against EPCIS 2.0 /
    CBV 2.0.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shelf = cls.env["stock.location"].create(
            {"name": "EPCIS Shelf", "location_id": cls.stock_location.id}
        )

    def _unit_story(self):
        receipt, lots = self._receive(self.scanner, ["STORY-1", "STORY-2"])
        receipt.origin = "PO/0042"
        unit = lots.filtered(lambda lot: lot.name == "STORY-1")
        move = self.env["stock.picking"].create(
            {
                "picking_type_id": self.picking_type_int.id,
                "location_id": self.stock_location.id,
                "location_dest_id": self.shelf.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.scanner.id,
                            "product_uom_qty": 1,
                            "location_id": self.stock_location.id,
                            "location_dest_id": self.shelf.id,
                        }
                    )
                ],
            }
        )
        move.action_confirm()
        move.move_ids.move_line_ids.unlink()
        move.move_ids.move_line_ids = [
            Command.create(
                {
                    "product_id": self.scanner.id,
                    "lot_id": unit.id,
                    "quantity": 1,
                    "location_id": self.stock_location.id,
                    "location_dest_id": self.shelf.id,
                    "picking_id": move.id,
                }
            )
        ]
        move.move_ids.picked = True
        move.button_validate()
        delivery = self._create_delivery(unit, location=self.shelf)
        delivery.move_ids.picked = True
        delivery.button_validate()
        returned = self._return(delivery)
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.scanner.id,
                "lot_id": unit.id,
                "scrap_qty": 1,
                "location_id": returned.location_dest_id.id,
            }
        )
        scrap.action_validate()
        self.assertEqual(unit.unit_state, "scrapped")
        return unit, {
            "receipt": receipt,
            "move": move,
            "delivery": delivery,
            "return": returned,
        }

    def assertObjectEvent(self, event):
        """Every rule of an EPCIS 2.0 ObjectEvent our events use, one by one."""
        self.assertEqual(event["type"], "ObjectEvent")
        self.assertLessEqual(set(event), OBJECT_EVENT_KEYS, "unknown keys")
        self.assertIn(event["action"], ACTIONS)
        self.assertRegex(event["eventTime"], DATE_TIME)
        self.assertRegex(event["eventTimeZoneOffset"], OFFSET)
        self.assertRegex(event["eventID"], EVENT_ID)
        self.assertTrue(event.get("epcList") or event.get("quantityList"))
        for epc in event["epcList"]:
            match = SGTIN_DL.match(epc)
            self.assertTrue(match, epc)
            self.assertTrue(gtin_check_digit_ok(match.group(1)), epc)
        if "bizStep" in event:
            self.assertIn(event["bizStep"], CBV_BIZ_STEPS)
        if "disposition" in event:
            self.assertIn(event["disposition"], CBV_DISPOSITIONS)
        for key in ("readPoint", "bizLocation"):
            if key in event:
                self.assertEqual(set(event[key]), {"id"}, key)
                self.assertRegex(event[key]["id"], URI)
        for transaction in event.get("bizTransactionList", []):
            self.assertEqual(set(transaction), {"type", "bizTransaction"})
            self.assertIn(transaction["type"], CBV_BIZ_TRANSACTION_TYPES)
            self.assertRegex(transaction["bizTransaction"], URI)
        for key, role in (("sourceList", "source"), ("destinationList", "destination")):
            for item in event.get(key, []):
                self.assertEqual(set(item), {"type", role}, key)
                self.assertIn(item["type"], CBV_SOURCE_DEST_TYPES)
                self.assertRegex(item[role], URI)

    def assertEpcisDocument(self, document, query=False):
        self.assertIn(EPCIS_CONTEXT, document["@context"])
        self.assertEqual(
            document["type"], "EPCISQueryDocument" if query else "EPCISDocument"
        )
        self.assertEqual(document["schemaVersion"], "2.0")
        self.assertRegex(document["creationDate"], DATE_TIME)
        body = document["epcisBody"]
        if query:
            results = body["queryResults"]
            self.assertEqual(results["queryName"], "SimpleEventQuery")
            events = results["resultsBody"]["eventList"]
        else:
            events = body["eventList"]
        for event in events:
            self.assertObjectEvent(event)
        return events
