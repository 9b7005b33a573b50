from odoo.tests import new_test_user

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


class ComplaintCommon(SerialTrackingCommon):
    """Complaint fixtures on top of :class:`SerialTrackingCommon`:

    - ``receipt``: SC-001..SC-005 (scanners) received from ``partner_1``;
      ``receipt_2``: SC-006; SC-001..SC-003 are in batch ``batch`` (RUN-1);
    - ``delivery``: SC-001 and SC-002 delivered to ``customer``;
    - ``units``: SC-001..SC-006 by serial (``self.units["SC-001"]``);
    - ``service_user`` (Customer Service) and ``quality_user`` (Quality);
    - :meth:`complain` creates a complaint about a unit.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receipt, lots = cls._receive(
            cls.scanner, [f"SC-00{i}" for i in range(1, 6)]
        )
        cls.receipt_2, lots_2 = cls._receive(cls.scanner, ["SC-006"])
        cls.units = {lot.name: lot for lot in lots | lots_2}
        cls.batch = cls.env["serial.batch"].create(
            {"name": "RUN-1", "product_id": cls.scanner.id}
        )
        (
            cls.units["SC-001"] | cls.units["SC-002"] | cls.units["SC-003"]
        ).batch_id = cls.batch
        cls.delivery = cls._deliver(cls.units["SC-001"] | cls.units["SC-002"])
        cls.defective = cls.env.ref("serial_tracking_complaint.category_defective")
        cls.service_user = new_test_user(
            cls.env,
            "st_complaint_service",
            groups="serial_tracking_complaint.group_complaint_user,"
            "stock.group_production_lot",
        )
        cls.quality_user = new_test_user(
            cls.env,
            "st_complaint_quality",
            groups="serial_tracking_complaint.group_complaint_manager,"
            "stock.group_production_lot",
        )

    def complain(self, unit, partner=None, **vals):
        return self.env["serial.complaint"].create(
            {
                "lot_id": unit.id,
                "partner_id": (partner or self.customer).id,
                "category_id": self.defective.id,
                **vals,
            }
        )

    def assertCountQueries(self, groups, expected):
        """Counting the other units of sibling ``groups`` (from a cold cache) runs
        ``expected`` counting queries: one per kind of group, never one per group."""
        self.env.flush_all()
        self.env.invalidate_all()
        groups = groups.browse(groups.ids)
        with self.captureQueries() as queries:
            groups.mapped("other_count")
        counting = [q for q in queries if "COUNT(DISTINCT" in q]
        self.assertEqual(len(counting), expected)
