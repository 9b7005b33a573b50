"""The rate limit across two worker processes of a real ``odoo --workers=2``.

The server runs on the test database, outside the test's transaction: it sees only
committed data, so the lookups here are of serials that do not exist (they answer
"not verified", and count like any lookup). The limit is set by a committed
parameter and restored afterwards; the counters and lookups the server wrote are
deleted.

Two client addresses over loopback: the server runs with ``--proxy-mode``, the way
it runs behind a reverse proxy, and each client's address is the one the proxy
forwards (``X-Forwarded-For``, with the ``X-Forwarded-Host`` Odoo requires). A
client sending no proxy headers is the socket peer itself.
"""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from .workers import answered_by, request, workers_server

LIMIT = 6
WINDOW = 3600
PARAMS = {"rate_limit": LIMIT, "rate_window": WINDOW}
GTIN = "09506000134352"


@tagged("post_install", "-at_install", "serial_tracking")
class TestRateLimitWorkers(BaseCase):
    def setUp(self):
        super().setUp()
        self.dbname = get_db_name()
        self.run_id = uuid.uuid4().hex[:6].upper()
        # clients A, B, C behind the proxy; D (no proxy headers) is the socket peer
        self.addresses = ["198.51.100.7", "198.51.100.8", "198.51.100.9", "127.0.0.1"]
        self.registry = Registry(self.dbname)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            params = env["ir.config_parameter"]
            saved = {
                name: params.get_param(f"serial_tracking_lookup.{name}")
                for name in PARAMS
            }
            for name, value in PARAMS.items():
                params.set_param(f"serial_tracking_lookup.{name}", value)
        self.addCleanup(self._restore, saved)

    def _restore(self, saved):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for name, value in saved.items():
                env["ir.config_parameter"].set_param(
                    f"serial_tracking_lookup.{name}", value or False
                )
            keys = [env["serial.lookup"]._client_key(a) for a in self.addresses]
            cr.execute(
                "DELETE FROM serial_lookup_counter WHERE client_key = ANY(%s)", [keys]
            )
            cr.execute(
                "DELETE FROM serial_lookup_log WHERE serial LIKE %s",
                [f"RLW{self.run_id}%"],
            )

    def _target(self, client, index, malformed=False):
        serial = f"RLW{self.run_id}{client}{index:03d}"
        gtin = GTIN[:-1] + "3" if malformed else GTIN  # a wrong check digit
        return f"/serial-lookup/01/{gtin}/21/{serial}"

    def _lookups(self, port, client, address, indexes, malformed=False):
        """Lookups from one client, four at a time (both workers busy at once)."""
        headers = {"Accept": "application/json"}
        if address:
            headers.update(
                {"X-Forwarded-For": address, "X-Forwarded-Host": "id.example.test"}
            )

        def one(index):
            target = self._target(client, index, malformed)
            return target, request(port, "GET", target, headers)[0]

        with ThreadPoolExecutor(max_workers=4) as pool:
            return dict(pool.map(one, indexes))

    def test_limit_holds_across_workers(self):
        # one window for the whole test: start afresh if this one ends soon
        if WINDOW - time.time() % WINDOW < 60:
            time.sleep(WINDOW - time.time() % WINDOW + 1)
        with workers_server(self.dbname, extra_args=["--proxy-mode"]) as (port, log):
            # client A: LIMIT + 1 lookups at once, then more, until both workers
            # have refused some
            statuses = self._lookups(port, "A", self.addresses[0], range(LIMIT + 1))
            self.assertEqual(sorted(statuses.values()), [200] * LIMIT + [429])
            refused_by = set()
            for batch in range(1, 11):
                more = self._lookups(
                    port, "A", self.addresses[0], range(batch * 20, batch * 20 + 8)
                )
                self.assertEqual(set(more.values()), {429})
                statuses.update(more)
                time.sleep(0.3)  # the workers write their request log lines
                log_lines = answered_by(log)
                refused_by = {
                    log_lines[target][0]
                    for target, status in statuses.items()
                    if status == 429 and target in log_lines
                }
                if len(refused_by) == 2:
                    break
            self.assertEqual(len(refused_by), 2, "one worker answered every request")
            # every answer in the log agrees with what the client got
            for target, status in statuses.items():
                if target in log_lines:
                    self.assertEqual(log_lines[target][1], status, target)
            workers = {pid for pid, _status in log_lines.values()}
            self.assertEqual(len(workers), 2, workers)

            # client B, another address, is not affected
            other = self._lookups(port, "B", self.addresses[1], range(LIMIT))
            self.assertEqual(set(other.values()), {200})

            # client C: malformed lookups count too, and their count survives the
            # rollback of their requests (they answer 400 by raising)
            bad = self._lookups(port, "C", self.addresses[2], range(LIMIT), True)
            self.assertEqual(set(bad.values()), {400})
            last = self._lookups(port, "C", self.addresses[2], [LIMIT])
            self.assertEqual(set(last.values()), {429})

            # without proxy headers the client is the socket peer: its own count
            direct = self._lookups(port, "D", None, range(2))
            self.assertEqual(set(direct.values()), {200})

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            hits = dict(
                env["serial.lookup.counter"]._read_group(
                    [
                        (
                            "client_key",
                            "in",
                            [
                                env["serial.lookup"]._client_key(a)
                                for a in self.addresses
                            ],
                        )
                    ],
                    ["client_key"],
                    ["hits:sum"],
                )
            )
            key_a = env["serial.lookup"]._client_key(self.addresses[0])
            self.assertEqual(hits[key_a], len(statuses))
            logged = env["serial.lookup.log"].search_count(
                [("serial", "=like", f"RLW{self.run_id}A%")]
            )
            self.assertEqual(logged, LIMIT)  # refused lookups are not logged
