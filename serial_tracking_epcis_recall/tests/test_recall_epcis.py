import json

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.serial_tracking_epcis.tests.common import EpcisCommon
from odoo.addons.serial_tracking_recall.tests.common import RecallCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallEpcis(HttpCase, RecallCommon, EpcisCommon):
    """The EPCIS document of a recall: its units' events and no other's, from the
    form's button through ``/epcis/download``, checked against EPCIS 2.0."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = cls._stock_user("epcis_recall_user")

    def _download(self, recall):
        action = recall.action_epcis_download()
        self.assertEqual(
            action["url"], f"/epcis/download?model=serial.recall&ids={recall.id}"
        )
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200, response.text[:500])
        return self.assertEpcisDocument(json.loads(response.text))

    def test_recall_document(self):
        # the batch (RC-1, RC-2, RC-3: delivered) and RC-4 (in stock, recalled
        # here); RC-5 and RC-6 stay out of the document
        rc4 = self.units.filtered(lambda lot: lot.name == "RC-4")
        recall = self._confirmed(
            batch_ids=[Command.set(self.batch.ids)], lot_ids=[Command.set(rc4.ids)]
        )
        expected = {"RC-1", "RC-2", "RC-3", "RC-4"}
        self.assertEqual(set(recall.line_ids.lot_id.mapped("name")), expected)
        self.env.flush_all()
        self.authenticate(self.user.login, self.user.login)
        events = self._download(recall)
        steps = {
            (event["epcList"][0].rsplit("/", 1)[1], event["bizStep"])
            for event in events
        }
        self.assertEqual({serial for serial, _step in steps}, expected)
        for serial in expected:
            self.assertIn((serial, "commissioning"), steps)
            self.assertIn((serial, "receiving"), steps)
        for serial in ("RC-1", "RC-2", "RC-3"):
            self.assertIn((serial, "shipping"), steps)
        # the recall itself: one holding event of every unit, disposition recalled
        holding = [
            (event["epcList"][0].rsplit("/", 1)[1], event["disposition"])
            for event in events
            if event["bizStep"] == "holding"
        ]
        self.assertEqual(
            sorted(holding), [(serial, "recalled") for serial in sorted(expected)]
        )

    def test_recall_of_another_company(self):
        recall = self._confirmed(batch_ids=[Command.set(self.batch.ids)])
        company_b = self.env["res.company"].create({"name": "Recall EPCIS Company B"})
        user_b = self._stock_user(
            "epcis_recall_user_b", company_b, groups="stock.group_stock_user"
        )
        filters = (
            self.env["serial.epcis"]
            .with_user(user_b)
            ._download_filters("serial.recall", recall.ids)
        )
        Epcis = self.env["serial.epcis"].with_user(user_b)
        text = "".join(Epcis._iter_document(Epcis._events_sql(**filters)))
        self.assertEqual(json.loads(text)["epcisBody"]["eventList"], [])
