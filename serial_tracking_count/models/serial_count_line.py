from odoo import fields, models


class SerialCountLine(models.Model):
    """One saved scan of a count. Serial units are one row each, unique per count
    (a double scan, by one person or two at once, is refused by the database);
    batches and untracked products are one row per scan, summed up, so two people
    counting the same batch only ever insert."""

    _name = "serial.count.line"
    _description = "Serial Count Scan"
    _order = "id desc"

    count_id = fields.Many2one(
        "serial.count", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="count_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    lot_id = fields.Many2one("stock.lot", "Unit or Batch", index="btree_not_null")
    lot_name = fields.Char(
        "Unknown Serial or Batch",
        help="A serial or batch read from a GS1 barcode that no unit has yet.",
    )
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit")
    is_serial = fields.Boolean(readonly=True)
    user_id = fields.Many2one(
        "res.users", "Counted by", default=lambda self: self.env.user, required=True
    )
    scan_uid = fields.Char(
        "Scan Key",
        readonly=True,
        help="The screen's key of the scan: a scan sent twice is recorded once.",
    )

    _unit_uniq = models.UniqueIndex(
        "(count_id, lot_id) WHERE is_serial AND lot_id IS NOT NULL",
        "This unit is already counted.",
    )
    _unknown_uniq = models.UniqueIndex(
        "(count_id, product_id, lot_name) WHERE is_serial AND lot_id IS NULL",
        "This serial is already counted.",
    )
    _scan_uid_uniq = models.UniqueIndex(
        "(scan_uid) WHERE scan_uid IS NOT NULL", "This scan is already recorded."
    )
    _quantity_positive = models.Constraint(
        "CHECK (quantity > 0)", "A counted quantity must be positive."
    )
