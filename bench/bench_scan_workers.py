#!/usr/bin/env python3
"""Concurrency benchmark of the dispatch scan against a real ``odoo --workers=2``.

    python3 bench/bench_scan_workers.py --db st_bench_scan [--port 8269]
                                        [--scans 200] [--races 50]

* Reuses (or creates) the database of ``bench_scan.py`` (serial units in stock).
* Starts ``odoo --workers=2`` on loopback (``_odoo_server.py``: no websocket process),
  every request logged, and logs each client in as admin (own session).
* **Different serials, one delivery**: a delivery reserving ``--scans`` serials;
  2, then 4 clients scan their share of its reserved serials at the same moment,
  each scan one JSON-RPC request (HTTP included in the times); then 2 clients on
  the same delivery unreserved (each scan creates its move line).
* **Same serial, two deliveries**: ``--races`` pairs of one-unit deliveries without
  reservation; two clients scan the same free serial, one on each, released by a
  barrier: exactly one must win each race.
* Counts the serialization failures (Odoo's "SerializationFailure, retrying" and
  PostgreSQL's "could not serialize") in the server log written meanwhile.

Targets: zero serialization failures with different serials, p95 < 50 ms
with two clients, every race won exactly once.
"""

import http.client
import json
import os
import statistics
import sys
import threading
import time
import uuid

from _odoo import addons_path, bench_parser, ensure_database, warehouse_of
from bench_lookup import start_server, stop_server


class Client:
    def __init__(self, port, db):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.rpc(
            "/web/session/authenticate",
            {"db": db, "login": "admin", "password": "admin"},
        )

    def rpc(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.connection.request("POST", path, body, headers)
        response = self.connection.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session_id="):
                self.cookie = value.split(";", 1)[0]
        data = json.loads(response.read())
        if "error" in data:
            raise RuntimeError(data["error"]["data"]["message"])
        return data["result"]

    def scan(self, picking_id, code):
        return self.rpc(
            "/web/dataset/call_kw/stock.picking/serial_dispatch_scan",
            {
                "model": "stock.picking",
                "method": "serial_dispatch_scan",
                "args": [[picking_id], code, uuid.uuid4().hex],
                "kwargs": {},
            },
        )


def percentile(values, pct):
    values = sorted(values)
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def make_pickings(registry, scans, races, reserved=True):
    """One delivery reserving ``scans`` serials (``reserved=False``: then
    unreserved, each scan creates its line); ``races`` pairs of unreserved
    one-unit deliveries with the serial to race for."""
    from odoo import SUPERUSER_ID, Command, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        warehouse = warehouse_of(env)
        stock = warehouse.lot_stock_id
        customers = env.ref("stock.stock_location_customers")
        products = env["product.product"].search(
            [("default_code", "=like", "BENCH-SCAN-%")], order="id"
        )
        if not products:
            sys.exit("No benchmark units: run bench/bench_scan.py on this db first.")

        def delivery(lines):
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "location_id": stock.id,
                    "location_dest_id": customers.id,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "location_id": stock.id,
                                "location_dest_id": customers.id,
                            }
                        )
                        for product, qty in lines
                    ],
                }
            )
            picking.action_confirm()
            return picking

        per_line = 5
        big, codes = env["stock.picking"], []
        if scans:
            big = delivery([(p, per_line) for p in products[: scans // per_line]])
            big.action_assign()
            codes = big.move_line_ids.lot_id.mapped("name")
            if not reserved:
                big.do_unreserve()
                # The zero quants unreserving leaves, as Odoo's daily cron does.
                env["stock.quant"]._unlink_zero_quants()
        # All deliveries first: their reservations at confirmation must not take
        # a unit chosen to race for.
        deliveries = []
        for i in range(races):
            product = products[-1 - (i % min(50, len(products)))]
            deliveries.append(
                (product, delivery([(product, 1)]), delivery([(product, 1)]))
            )
        pairs = []
        for product, a, b in deliveries:
            free = env["stock.lot"].search(
                [
                    ("product_id", "=", product.id),
                    ("unit_state", "=", "in_stock"),
                    ("name", "not in", [c for _a, _b, c in pairs]),
                ],
                limit=1,
            )
            pairs.append((a.id, b.id, free.name))
        cr.commit()
        return big.id, codes, pairs


def different_serials(port, db, picking_id, codes, clients):
    sessions = [Client(port, db) for _ in range(clients)]
    shares = [codes[i::clients] for i in range(clients)]
    times, errors = [], []
    barrier = threading.Barrier(clients)

    def run(session, share):
        barrier.wait()
        for code in share:
            t = time.perf_counter()
            try:
                result = session.scan(picking_id, code)
                if result["status"] != "ok":
                    errors.append(result["message"])
            except RuntimeError as error:
                errors.append(str(error))
            times.append((time.perf_counter() - t) * 1000)

    threads = [
        threading.Thread(target=run, args=(s, share))
        for s, share in zip(sessions, shares, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors


def same_serial(port, db, pairs):
    one, two = Client(port, db), Client(port, db)
    won, times = [], []
    for picking_a, picking_b, code in pairs:
        barrier = threading.Barrier(2)
        results = []

        def run(session, picking_id, code=code, barrier=barrier, results=results):
            barrier.wait()
            t = time.perf_counter()
            results.append(session.scan(picking_id, code)["status"])
            times.append((time.perf_counter() - t) * 1000)

        threads = [
            threading.Thread(target=run, args=(one, picking_a)),
            threading.Thread(target=run, args=(two, picking_b)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        won.append(results.count("ok"))
    return won, times


def failures(log, offset):
    with open(log, encoding="utf-8", errors="replace") as file:
        file.seek(offset)
        text = file.read()
    return text.count("SerializationFailure") + text.count("could not serialize")


def main():
    parser = bench_parser(__doc__, port=8269, scans=200, races=50)
    args = parser.parse_args()

    import odoo
    from odoo.modules.registry import Registry

    path = addons_path()
    ensure_database(args.db, "serial_tracking_barcode", path=path)
    odoo.tools.config.parse_config(
        [f"--addons-path={path}", "-d", args.db, "--log-level=warn"],
        setup_logging=True,
    )
    registry = Registry(args.db)
    server = start_server(args.db, args.port)
    try:
        print(f"load average: {os.getloadavg()}")
        rows = []
        for clients, reserved in ((2, True), (4, True), (2, False)):
            picking_id, codes, _pairs = make_pickings(registry, args.scans, 0, reserved)
            offset = os.path.getsize(server.log)
            times, errors = different_serials(
                args.port, args.db, picking_id, codes, clients
            )
            what = "one delivery" if reserved else "one delivery, no reservation"
            rows.append(
                (
                    f"{clients} clients, different serials, {what}",
                    len(times),
                    statistics.median(times),
                    percentile(times, 95),
                    failures(server.log, offset),
                    f"{len(errors)} refused",
                )
            )
        _id, _codes, pairs = make_pickings(registry, 0, args.races)
        offset = os.path.getsize(server.log)
        won, times = same_serial(args.port, args.db, pairs)
        rows.append(
            (
                "2 clients, same serial, two deliveries",
                len(times),
                statistics.median(times),
                percentile(times, 95),
                failures(server.log, offset),
                f"{won.count(1)}/{len(won)} races won exactly once",
            )
        )
    finally:
        stop_server(server)
    print("\nodoo --workers=2 on loopback; per scan, HTTP included (ms)\n")
    print(f"{'case':<60} {'scans':>5} {'p50':>7} {'p95':>7} {'ser.fail':>8}  outcome")
    for label, n, p50, p95, fails, outcome in rows:
        print(f"{label:<60} {n:>5} {p50:>7.1f} {p95:>7.1f} {fails:>8}  {outcome}")
    different = [row for row in rows if "different" in row[0]]
    race = rows[-1]
    verdicts = [
        (
            "no serialization failure, different serials",
            all(r[4] == 0 for r in different),
        ),
        ("p95 < 50 ms with 2 clients", different[0][3] < 50),
        ("every race won exactly once", race[5].startswith(f"{race[1] // 2}/")),
    ]
    print()
    for target, met in verdicts:
        print(f"  {target:<46} {'met' if met else 'NOT met'}")
    print(f"load average: {os.getloadavg()}")
    return 0 if all(met for _t, met in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
