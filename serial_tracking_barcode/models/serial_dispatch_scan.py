from odoo import fields, models


class SerialDispatchScan(models.Model):
    """One accepted scan of a scan flow (dispatch, receive, transfer).

    The database, not timing, keeps scans safe when several people scan at once:

    * ``_lot_open_uniq``: a serial can be scanned on at most one open delivery (and only
      once on it). The scan service inserts with ``ON CONFLICT DO NOTHING``: a second
      concurrent scan of the same serial waits on this index until the first
      transaction ends, then gets a serialization failure, Odoo retries the request,
      and the retry answers "already scanned";
    * ``_scan_uid_uniq``: the client's idempotency key, so a scan retried after a
      dropped connection is never applied twice.

    A scan is ``open`` while its delivery is being prepared and ``done`` once the
    delivery is validated (the serial may then come back and be shipped again later).
    """

    _name = "serial.dispatch.scan"
    _description = "Dispatch Scan"
    _order = "id"
    _check_company_auto = True

    picking_id = fields.Many2one(
        "stock.picking",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    move_id = fields.Many2one(
        "stock.move", required=True, index=True, ondelete="cascade", check_company=True
    )
    move_line_id = fields.Many2one(
        "stock.move.line", index="btree_not_null", ondelete="set null"
    )
    lot_id = fields.Many2one(
        "stock.lot", "Serial", ondelete="cascade", check_company=True
    )
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    scan_uid = fields.Char("Scan Key", required=True, readonly=True)
    code = fields.Char("Scanned Code", readonly=True)
    serial = fields.Char(
        "Serial Number",
        readonly=True,
        help="The serial a receive scan creates or takes (its unit may be new).",
    )
    unit_created = fields.Boolean(
        readonly=True,
        help="The receive scan created this unit: taking the scan back deletes it.",
    )
    line_created = fields.Boolean(
        readonly=True,
        help="The receive scan added the move line its unit is on (no free line was "
        "left): taking the scan back deletes the line.",
    )
    quantity = fields.Float(default=1.0, digits="Product Unit")
    state = fields.Selection(
        [("open", "Open"), ("done", "Delivered")],
        default="open",
        required=True,
        index=True,
    )

    _lot_open_uniq = models.UniqueIndex(
        "(lot_id) WHERE state = 'open' AND lot_id IS NOT NULL",
        "This serial has already been scanned on an open delivery.",
    )
    _serial_open_uniq = models.UniqueIndex(
        "(product_id, serial) WHERE state = 'open' AND serial IS NOT NULL",
        "This serial has already been scanned on an open receipt.",
    )
    _scan_uid_uniq = models.UniqueIndex(
        "(scan_uid)", "This scan has already been recorded (same scan key)."
    )
