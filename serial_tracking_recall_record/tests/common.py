from odoo.addons.serial_tracking_complaint.tests.common import ComplaintCommon


class RecallRecordCommon(ComplaintCommon):
    """:class:`ComplaintCommon` with a stock manager as the test user, an email on
    the customer, and ``receipt_recall``: a draft recall of the five units of
    ``receipt`` (SC-001, SC-002 delivered to ``customer``; SC-003..SC-005 held)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids += cls.env.ref("stock.group_stock_manager")
        cls.customer.write(
            {
                "email": "buyer@example.com",
                "street": "1 Quay Street",
                "city": "Ghent",
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.receipt_recall = cls.env["serial.recall"].create(
            {
                "title": "Cracked battery housing",
                "receipt_ids": [(6, 0, cls.receipt.ids)],
                "reason": "Housing cracks near the battery.",
                "hazard": "The battery can overheat and cause burns.",
                "customer_instructions": "Unplug the scanner and keep it away from "
                "children.",
                "remedy": "replace",
                "remedy_details": "We replace the scanner free of charge.",
                "product_description": "Black handheld scanner, model HS-200.",
                "recall_class": "2",
                "depth": "consumer",
            }
        )
