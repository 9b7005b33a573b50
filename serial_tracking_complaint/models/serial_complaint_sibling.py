from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Unit states by where the unit is: "still with us" or "delivered"; a recalled unit
# is with us unless someone holds it.
HELD_STATES = ("in_stock", "reserved", "returned", "quarantined")


class SerialComplaintSibling(models.Model):
    """A group of units that share something with a complained unit: its batch, a
    supplier receipt (its own or a component's), and with manufacturing a production
    order or a component lot. The group is kept; its counts are read live, one
    grouped query per kind for every group at once.

    A group's units are the serial units that hold what the group shares, followed
    forward through manufacturing (the bridge ``serial_tracking_complaint_mrp``):
    a component lot's group is the finished units built from it, not the
    sub-assemblies consumed into them. The complained unit itself is not counted.
    """

    _name = "serial.complaint.sibling"
    _description = "Complaint Sibling Group"
    _order = "complaint_id, sequence, id"

    complaint_id = fields.Many2one(
        "serial.complaint", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="complaint_id.company_id", store=True)
    unit_id = fields.Many2one(related="complaint_id.lot_id", string="Complained Unit")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [("batch", "Same batch"), ("receipt", "Same supplier receipt")],
        required=True,
    )
    key_id = fields.Integer(
        required=True, help="Id of the batch, receipt, production order or lot."
    )
    batch_id = fields.Many2one("serial.batch", ondelete="cascade")
    picking_id = fields.Many2one("stock.picking", "Receipt", ondelete="cascade")
    name = fields.Char("Shared", compute="_compute_name")
    other_count = fields.Integer("Other Units", compute="_compute_counts")
    held_count = fields.Integer("Still With Us", compute="_compute_counts")
    delivered_count = fields.Integer("Delivered", compute="_compute_counts")
    complained_count = fields.Integer("With Complaints", compute="_compute_counts")

    @api.depends("kind", "batch_id", "picking_id")
    def _compute_name(self):
        for group in self:
            group.name = group._shared_record().display_name

    def _shared_record(self):
        """The record the units of the group share."""
        self.ensure_one()
        return {"batch": self.batch_id, "receipt": self.picking_id}.get(
            self.kind, self.env["stock.lot"]
        )

    def _compute_counts(self):
        counts = {}
        for kind, groups in self.grouped("kind").items():
            query = groups._sibling_query(
                kind,
                SQL(
                    """
                SELECT grp.id,
                       COUNT(DISTINCT l.id),
                       COUNT(DISTINCT l.id) FILTER (WHERE l.unit_state IN %(held)s
                           OR (l.unit_state = 'recalled' AND l.customer_id IS NULL)),
                       COUNT(DISTINCT l.id) FILTER (WHERE l.unit_state = 'delivered'
                           OR (l.unit_state = 'recalled'
                               AND l.customer_id IS NOT NULL)),
                       COUNT(DISTINCT l.id) FILTER (WHERE EXISTS (
                           SELECT 1 FROM serial_complaint c WHERE c.lot_id = l.id))
                  FROM grp
                  JOIN units u ON u.key = grp.key
                  JOIN stock_lot l ON l.id = u.lot_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE l.id != grp.unit_id AND l.unit_state != 'consumed'
                   AND pt.tracking = 'serial'
                   AND (l.company_id IS NULL OR l.company_id = grp.company_id)
              GROUP BY grp.id
                    """,
                    held=HELD_STATES,
                ),
            )
            for row in self.env.execute_query(query):
                counts[row[0]] = row[1:]
        for group in self:
            (
                group.other_count,
                group.held_count,
                group.delivered_count,
                group.complained_count,
            ) = counts.get(group.id, (0, 0, 0, 0))

    def _sibling_lots(self, include_unit=False):
        """Units of the groups ``self`` (one query per kind), the complained units
        only if ``include_unit``."""
        lot_ids = set()
        for kind, groups in self.grouped("kind").items():
            query = groups._sibling_query(
                kind,
                SQL(
                    """
                SELECT DISTINCT l.id
                  FROM grp
                  JOIN units u ON u.key = grp.key
                  JOIN stock_lot l ON l.id = u.lot_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE (%(include_unit)s OR l.id != grp.unit_id)
                   AND l.unit_state != 'consumed' AND pt.tracking = 'serial'
                   AND (l.company_id IS NULL OR l.company_id = grp.company_id)
                    """,
                    include_unit=include_unit,
                ),
            )
            lot_ids.update(row[0] for row in self.env.execute_query(query))
        return self.env["stock.lot"].browse(sorted(lot_ids))

    def _sibling_query(self, kind, select):
        """``select`` (reading ``grp(id, key, unit_id, company_id)``, the groups
        ``self``, and ``units(key, lot_id)``, their units) with its CTEs."""
        self.env.flush_all()
        return SQL(
            """
            WITH RECURSIVE grp(id, key, unit_id, company_id) AS (
                SELECT * FROM unnest(%(ids)s::int[], %(keys)s::int[],
                                     %(units)s::int[], %(companies)s::int[])
            ),
            seed(key, lot_id) AS (%(seed)s),
            units(key, lot_id) AS (%(units_sql)s)
            %(select)s
            """,
            ids=self.ids,
            keys=self.mapped("key_id"),
            units=[group.complaint_id.lot_id.id for group in self],
            companies=[group.company_id.id for group in self],
            seed=self._sibling_seed_sql(kind),
            units_sql=self._sibling_units_sql(),
            select=select,
        )

    @api.model
    def _sibling_seed_sql(self, kind):
        """SQL of ``(key, lot_id)``: the lots that directly hold each key of
        ``grp`` of this kind."""
        if kind == "batch":
            return SQL(
                "SELECT l.batch_id, l.id FROM stock_lot l "
                "WHERE l.batch_id IN (SELECT key FROM grp)"
            )
        if kind == "receipt":
            return SQL(
                "SELECT ml.picking_id, ml.lot_id FROM stock_move_line ml "
                "WHERE ml.picking_id IN (SELECT key FROM grp) AND ml.state = 'done' "
                "AND ml.lot_id IS NOT NULL"
            )
        raise UserError(self.env._("Unknown sibling group kind %(kind)s.", kind=kind))

    @api.model
    def _sibling_units_sql(self):
        """SQL of ``(key, lot_id)`` from ``seed``: the units of each key. Without
        manufacturing, the seed itself; the bridge follows it forward through
        production orders (recursively, this CTE may refer to ``units``)."""
        return SQL("SELECT key, lot_id FROM seed")

    def action_view_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.stock_lot_action_serial_units"
        )
        action["name"] = self.env._(
            "%(kind)s: %(shared)s",
            kind=dict(self._fields["kind"]._description_selection(self.env))[self.kind],
            shared=self.name,
        )
        action["domain"] = [("id", "in", self._sibling_lots().ids)]
        action["context"] = {}
        return action
