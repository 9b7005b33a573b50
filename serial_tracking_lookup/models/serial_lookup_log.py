import time

from odoo import api, fields, models
from odoo.tools import SQL

from .serial_lookup import GC_BATCH, _utc

VERDICTS = [
    ("genuine", "Genuine"),
    ("not_verified", "Not verified"),
    ("recalled", "Recalled"),
]


class SerialLookupLog(models.Model):
    """One public lookup of a serial: when, what was asked, what was answered, and
    from which client (a keyed hash of its address, never the address).

    Rows are inserted in the same statement as the rate-limit count (see
    ``serial.lookup._count``), read by the clone detection and by users, never
    changed, and deleted by Odoo's daily autovacuum job after the retention period
    set in the settings.
    """

    _name = "serial.lookup.log"
    _description = "Serial Lookup"
    _order = "date desc, id desc"
    _log_access = False
    _check_company_auto = True

    date = fields.Datetime(required=True, readonly=True, index=True)
    gtin = fields.Char("GTIN", readonly=True)
    serial = fields.Char(readonly=True, index="trigram")
    batch = fields.Char(readonly=True)
    verdict = fields.Selection(VERDICTS, required=True, readonly=True)
    client_hash = fields.Char(
        "Client",
        readonly=True,
        help="A keyed hash of the client's address (its /64 network for IPv6): the "
        "same client always gives the same value, the address cannot be read back.",
    )
    lot_id = fields.Many2one(
        "stock.lot", "Serial Unit", readonly=True, ondelete="set null"
    )
    product_id = fields.Many2one("product.product", readonly=True, ondelete="set null")
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, ondelete="cascade"
    )

    # the clone detection counts the distinct clients of one unit in a recent window
    _lot_date_index = models.Index("(lot_id, date) WHERE lot_id IS NOT NULL")

    @api.autovacuum
    def _gc_lookup_logs(self):
        """Delete the lookups older than the retention period (0: keep them)."""
        days = self.env["serial.lookup"]._settings()["log_days"]
        if not days:
            return 0, False
        self.env.cr.execute(
            SQL(
                """DELETE FROM serial_lookup_log WHERE id IN (
                       SELECT id FROM serial_lookup_log WHERE date < %s LIMIT %s)""",
                _utc(time.time() - days * 86400),
                GC_BATCH,
            )
        )
        deleted = self.env.cr.rowcount
        return deleted, deleted == GC_BATCH
