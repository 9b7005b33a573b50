import time

from odoo import api, fields, models
from odoo.tools import SQL

from .serial_lookup import GC_BATCH, _utc


class SerialLookupCounter(models.Model):
    """Lookups of one client in one time window: the public lookup's rate limit.

    Rows are written by one ``INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING``
    on a cursor of their own (see ``serial.lookup._count``), so that every worker
    and host counts in the same row and the count survives the request's rollback.
    ``client_key`` is a keyed hash of the client's address, never the address.
    Past windows are deleted by Odoo's daily autovacuum job.
    """

    _name = "serial.lookup.counter"
    _description = "Serial Lookup Rate Counter"
    _log_access = False
    _order = "window_start desc, id desc"

    client_key = fields.Char(required=True, readonly=True)
    # no index of its own: the unique index serves the count, and the daily purge
    # reads a table that holds about a day of windows
    window_start = fields.Datetime(required=True, readonly=True)
    hits = fields.Integer(required=True, readonly=True, default=0)

    _client_window_uniq = models.UniqueIndex(
        "(client_key, window_start)",
        "A client has one counter per time window.",
    )

    @api.autovacuum
    def _gc_lookup_counters(self):
        """Delete the counters of windows that ended (kept an hour at least)."""
        window = self.env["serial.lookup"]._settings()["rate_window"]
        self.env.cr.execute(
            SQL(
                """DELETE FROM serial_lookup_counter WHERE id IN (
                       SELECT id FROM serial_lookup_counter
                        WHERE window_start < %s LIMIT %s)""",
                _utc(time.time() - max(2 * window, 3600)),
                GC_BATCH,
            )
        )
        deleted = self.env.cr.rowcount
        return deleted, deleted == GC_BATCH
