from odoo.tests import tagged

from odoo.addons.serial_tracking_lookup.tests.common import CUSTOMER, LookupHttpCommon

REASON = "Capacitor C12 from vendor lot VX-881 overheats"  # internal: never published
INSTRUCTIONS = "Unplug the scanner.\nCall 0800 555 12 for a free swap."


@tagged("post_install", "-at_install", "serial_tracking")
class TestLookupRecall(LookupHttpCommon):
    """The public lookup of a unit under an open recall, through the public route:
    the recall's reference, title and instructions; nothing of its customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids += cls.env.ref("stock.group_stock_manager")
        cls.env.company.serial_lookup_recall_text = "Company text: call us."
        cls.recall = cls.env["serial.recall"].create(
            {
                "title": "Scanner overheating",
                "reason": REASON,
                "customer_instructions": INSTRUCTIONS,
                "lot_ids": [(6, 0, cls.unit_sold.ids)],
            }
        )
        cls.recall.action_confirm()

    def test_open_recall_is_published(self):
        self.assertEqual(self.unit_sold.unit_state, "recalled")
        answer = self.lookup("LK-SOLD-1", json=True).json()
        self.assertEqual(answer["verdict"], "recalled")
        title = f"Recall {self.recall.name}: Scanner overheating"
        self.assertEqual(
            answer["recall"],
            {"title": title, "instructions": INSTRUCTIONS, "url": None},
        )
        page = self.lookup("LK-SOLD-1").text
        self.assertIn(title, page)
        self.assertIn("Unplug the scanner.<br/>Call 0800 555 12 for a free swap.", page)
        self.assertNotIn("Company text: call us.", page)
        for secret in (REASON, CUSTOMER["name"], CUSTOMER["email"], CUSTOMER["order"]):
            self.assertNotIn(secret, page)
            self.assertNotIn(secret, str(answer))
        for record in (self.recall.customer_ids.partner_id, self.delivery):
            self.assertTrue(record)
            self.assertNotIn(record.display_name, page)
            self.assertNotIn(record.display_name, str(answer))

    def test_without_instructions_the_company_text_stays(self):
        self.recall.customer_instructions = False
        answer = self.lookup("LK-SOLD-1", json=True).json()
        self.assertEqual(answer["recall"]["instructions"], None)
        self.assertIn(self.recall.name, answer["recall"]["title"])
        self.assertIn("Company text: call us.", self.lookup("LK-SOLD-1").text)

    def test_closed_recall_is_no_longer_published(self):
        self.recall.action_close()
        answer = self.lookup("LK-SOLD-1", json=True).json()
        self.assertEqual(answer["verdict"], "genuine")
        self.assertIsNone(answer["recall"])
        self.assertNotIn(self.recall.name, self.lookup("LK-SOLD-1").text)

    def test_recalled_unit_of_no_recall_keeps_the_lookup_default(self):
        """A unit set recalled by hand (no recall record): the company's text."""
        answer = self.lookup("LK-RECALL-1", json=True).json()
        self.assertEqual(answer["verdict"], "recalled")
        self.assertEqual(
            answer["recall"], {"title": None, "instructions": None, "url": None}
        )
        self.assertIn("Company text: call us.", self.lookup("LK-RECALL-1").text)
