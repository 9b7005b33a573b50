from odoo import Command
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
        cls.receipt, lots = cls._receive_cls(
            cls.scanner, [f"SC-00{i}" for i in range(1, 6)]
        )
        cls.receipt_2, lots_2 = cls._receive_cls(cls.scanner, ["SC-006"])
        cls.units = {lot.name: lot for lot in lots | lots_2}
        cls.batch = cls.env["serial.batch"].create(
            {"name": "RUN-1", "product_id": cls.scanner.id}
        )
        (
            cls.units["SC-001"] | cls.units["SC-002"] | cls.units["SC-003"]
        ).batch_id = cls.batch
        cls.delivery = cls._deliver_cls(cls.units["SC-001"] | cls.units["SC-002"])
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

    @classmethod
    def _receive_cls(cls, product, names, partner=None):
        picking = cls._create_receipt(product, len(names), partner=partner)
        move = picking.move_ids
        cls._set_serials(move, names)
        move.picked = True
        picking.button_validate()
        return picking, move.move_line_ids.lot_id

    @classmethod
    def _deliver_cls(cls, lots, partner=None):
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.picking_type_out.id,
                "location_id": cls.stock_location.id,
                "location_dest_id": cls.customer_location.id,
                "partner_id": (partner or cls.customer).id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": len(product_lots),
                            "location_id": cls.stock_location.id,
                            "location_dest_id": cls.customer_location.id,
                        }
                    )
                    for product, product_lots in lots.grouped("product_id").items()
                ],
            }
        )
        picking.action_confirm()
        for move in picking.move_ids:
            move.move_line_ids.unlink()
            move.move_line_ids = [
                Command.create(
                    {
                        "product_id": move.product_id.id,
                        "lot_id": lot.id,
                        "quantity": 1,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                        "picking_id": picking.id,
                    }
                )
                for lot in lots.filtered(
                    lambda lot, m=move: lot.product_id == m.product_id
                )
            ]
        picking.move_ids.picked = True
        picking.button_validate()
        return picking

    def complain(self, unit, partner=None, **vals):
        return self.env["serial.complaint"].create(
            {
                "lot_id": unit.id,
                "partner_id": (partner or self.customer).id,
                "category_id": self.defective.id,
                **vals,
            }
        )
