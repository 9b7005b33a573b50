from odoo import Command
from odoo.tests import Form

from odoo.addons.serial_tracking_complaint.tests.common import ComplaintCommon


class ComplaintMrpCommon(ComplaintCommon):
    """Two levels of manufacturing on top of :class:`ComplaintCommon`:

    - ``gasket`` (lot-tracked) received from ``partner_1`` on ``gasket_receipt``:
      lots G-1 (3) and G-2 (1);
    - ``module`` (serial) made of one gasket, ``washer`` (serial) of one module;
    - ``mo_s1`` makes S-1..S-3 from G-1, ``mo_s2`` makes S-4 from G-2;
    - ``mo_f1`` makes F-1, F-2 from S-1, S-2; ``mo_f2`` F-3 from S-3; ``mo_f3``
      F-4 from S-4;
    - F-1 and F-3 delivered to ``customer``; ``lots`` holds every lot by name.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gasket, cls.module, cls.washer = cls.env["product.product"].create(
            [
                {"name": "Gasket", "is_storable": True, "tracking": "lot"},
                {"name": "Pump Module", "is_storable": True, "tracking": "serial"},
                {"name": "Pressure Washer", "is_storable": True, "tracking": "serial"},
            ]
        )
        cls.env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": finished.product_tmpl_id.id,
                    "product_qty": 1,
                    "bom_line_ids": [
                        Command.create({"product_id": component.id, "product_qty": 1})
                    ],
                }
                for finished, component in (
                    (cls.module, cls.gasket),
                    (cls.washer, cls.module),
                )
            ]
        )
        picking = cls._create_receipt(cls.gasket, 4)
        move = picking.move_ids
        move.move_line_ids.unlink()
        move.move_line_ids = [
            Command.create(
                {
                    "product_id": cls.gasket.id,
                    "lot_name": name,
                    "quantity": qty,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "picking_id": picking.id,
                }
            )
            for name, qty in (("G-1", 3), ("G-2", 1))
        ]
        move.picked = True
        picking.button_validate()
        cls.gasket_receipt = picking
        cls.lots = {lot.name: lot for lot in move.move_line_ids.lot_id}
        cls.mo_s1 = cls._produce(cls.module, ["S-1", "S-2", "S-3"], [("G-1", 3)])
        cls.mo_s2 = cls._produce(cls.module, ["S-4"], [("G-2", 1)])
        cls.mo_f1 = cls._produce(cls.washer, ["F-1", "F-2"], [("S-1", 1), ("S-2", 1)])
        cls.mo_f2 = cls._produce(cls.washer, ["F-3"], [("S-3", 1)])
        cls.mo_f3 = cls._produce(cls.washer, ["F-4"], [("S-4", 1)])
        cls._deliver(cls.lots["F-1"] | cls.lots["F-3"])

    @classmethod
    def _produce(cls, product, serials, consumed):
        """A done production order of ``product`` making ``serials`` from the
        ``consumed`` (lot name, quantity) pairs."""
        finished = cls.env["stock.lot"].create(
            [{"name": name, "product_id": product.id} for name in serials]
        )
        form = Form(cls.env["mrp.production"])
        form.product_id = product
        form.product_qty = len(serials)
        production = form.save()
        production.action_confirm()
        production.lot_producing_ids = finished
        production.qty_producing = len(serials)
        production._set_qty_producing(False)
        raw = production.move_raw_ids
        raw.move_line_ids.unlink()
        raw.move_line_ids = [
            Command.create(
                {
                    "product_id": raw.product_id.id,
                    "lot_id": cls.lots[name].id,
                    "quantity": qty,
                    "location_id": raw.location_id.id,
                    "location_dest_id": raw.location_dest_id.id,
                }
            )
            for name, qty in consumed
        ]
        raw.picked = True
        production.button_mark_done()
        assert production.state == "done", production.state
        cls.lots.update({lot.name: lot for lot in finished})
        return production
