from odoo import api, fields, models


class SerialComplaint(models.Model):
    _inherit = "serial.complaint"

    production_ids = fields.Many2many(
        "mrp.production",
        string="Production Orders",
        compute="_compute_production_ids",
        help="The order that made the unit and those that made its components, "
        "at every level.",
    )

    @api.depends("component_lot_ids")
    def _compute_production_ids(self):
        traced = self.lot_id | self.component_lot_ids
        by_lot = traced._complaint_productions()
        for complaint in self:
            ids = set().union(
                set(),
                *(
                    by_lot.get(lot.id, ())
                    for lot in complaint.lot_id | complaint.component_lot_ids
                ),
            )
            complaint.production_ids = self.env["mrp.production"].browse(sorted(ids))

    def _complaint_document_keys(self):
        keys = super()._complaint_document_keys()
        return keys | {("mrp.production", mo.id) for mo in self.production_ids}

    def _sibling_group_vals(self):
        groups = super()._sibling_group_vals()
        groups += [
            {"kind": "production", "key_id": mo.id, "production_id": mo.id}
            for mo in self.production_ids
        ]
        # A serial component is in one unit only: its group would always be empty.
        groups += [
            {"kind": "component", "key_id": lot.id, "component_lot_id": lot.id}
            for lot in self.component_lot_ids
            if lot.product_id.tracking == "lot"
        ]
        return groups
