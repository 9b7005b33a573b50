from odoo import fields, models


class SaleScanUnit(models.Model):
    """A serial unit scanned onto a sales order: the order holds it until its
    delivery ships it (then the row is archived) or the scan is removed. The
    database keeps one holding order per unit, whoever scans at the same moment."""

    _name = "sale.scan.unit"
    _description = "Unit Scanned to a Sales Order"
    _order = "id"

    order_id = fields.Many2one(
        "sale.order", required=True, index=True, ondelete="cascade"
    )
    order_line_id = fields.Many2one(
        "sale.order.line", required=True, index=True, ondelete="cascade"
    )
    lot_id = fields.Many2one("stock.lot", "Unit", required=True, ondelete="cascade")
    product_id = fields.Many2one(related="lot_id.product_id")
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    active = fields.Boolean(default=True)
    scan_uid = fields.Char(
        "Scan Key",
        readonly=True,
        help="The screen's key of the scan: a scan sent twice is recorded once.",
    )

    _lot_held_uniq = models.UniqueIndex(
        "(lot_id) WHERE active", "This unit is already on a sales order."
    )
    _scan_uid_uniq = models.UniqueIndex(
        "(scan_uid) WHERE scan_uid IS NOT NULL", "This scan is already recorded."
    )
