#!/usr/bin/env python3
"""Load benchmark of the public lookup against a real ``odoo --workers=2`` server.

    python3 bench/bench_lookup.py --db st_h14_bench [--units 100000] [--port 8215]
                                  [--requests 1000] [--clients 2] [--rounds 3]
                                  [--max-seconds 60] [--screenshots DIR]

* Creates the database with ``serial_tracking_lookup`` (no demo) when it is missing
  (else updates the addon to the code being measured) and loads ``--units`` serial
  units once (``_serial_bulk_create``), with the states of a live database: 60 %
  delivered over the last three years (under warranty or expired), 30 % in stock,
  1 % recalled, the rest not received; plus one past lookup per unit in the log.
  ``ANALYZE`` afterwards.
* Starts ``odoo --workers=2 --proxy-mode`` on loopback (``--port``; the gevent port is
  ``--port`` + 10), no cron. Every request comes from its own client address
  (``X-Forwarded-For``, as behind a reverse proxy), so the rate limit counts each
  like a phone's and never refuses one (limit raised for the run).
* Each round runs, interleaved, ``--requests`` requests of each side with ``--clients``
  concurrent clients (default: one per worker), one connection per request
  (bounded by ``--max-seconds``):

  A = ``GET /serial-lookup/01/<gtin>/21/<serial>`` (HTML page; 80 % existing units,
      20 % unknown serials), the full lookup: rate-limit count, log, clone check;
  B = ``GET /web/login``, Odoo's plain login page on the same server.

  Prints per side the throughput (requests/s) and p50 / p95 latency, medians of the
  rounds, and the ratios; the workers' own time per request and its queries (from
  their request log, without the client's part), and the CPU time a request costs
  the server and its PostgreSQL backends (what compares on a shared machine, where
  wall times grow with everything else that runs); then single-client latencies
  per verdict (genuine, unknown serial, unknown GTIN), interleaved, to show that an
  unknown serial answers in the time of any other "not verified".
* ``--screenshots DIR``: the page of each verdict and warranty state at 360 px wide,
  by headless Chromium, as PNG files in DIR.
"""

import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from _odoo import (
    addons_path,
    bench_parser,
    ensure_database,
    environment,
    psql,
    setup_odoo,
)

GTIN = "5410000000118"  # EAN-13 of the benchmark product
UNKNOWN_GTIN = "09506000134352"
PRODUCT_CODE = "BENCH-LOOKUP"
PREFIX = "BL"


def load_units(env, units):
    from odoo.tools import SQL

    Product = env["product.product"]
    product = Product.search([("default_code", "=", PRODUCT_CODE)])
    if product and env["stock.lot"].search_count([("product_id", "=", product.id)]):
        return product
    t0 = time.perf_counter()
    product = Product.create(
        {
            "name": "Bench Lookup Scanner",
            "default_code": PRODUCT_CODE,
            "barcode": GTIN,
            "is_storable": True,
            "tracking": "serial",
            "warranty_months": 24,
        }
    )
    lots = env["stock.lot"]._serial_bulk_create(
        [{"name": f"{PREFIX}{i:07d}", "product_id": product.id} for i in range(units)]
    )
    today = date.today()
    rng = random.Random(14)
    states, deliveries = [], []
    for _lot_id in lots.ids:
        draw = rng.random()
        if draw < 0.60:
            states.append("delivered")
            deliveries.append(
                datetime.combine(today, datetime.min.time())
                - timedelta(days=rng.randrange(1, 3 * 365))
            )
        elif draw < 0.90:
            states.append("in_stock")
            deliveries.append(None)
        elif draw < 0.91:
            states.append("recalled")
            deliveries.append(None)
        else:
            states.append("draft")
            deliveries.append(None)
    env.cr.execute(
        SQL(
            """
            UPDATE stock_lot lot
               SET unit_state = v.state, delivery_date = v.delivered,
                   warranty_end_date = (v.delivered + interval '24 months')::date,
                   manufacture_date = DATE '2025-01-01'
              FROM unnest(%s::int[], %s::varchar[], %s::timestamp[])
                   AS v(id, state, delivered)
             WHERE lot.id = v.id
            """,
            lots.ids,
            states,
            deliveries,
        )
    )
    env.cr.execute(
        SQL(
            """
            INSERT INTO serial_lookup_log
                   (date, gtin, serial, verdict, client_hash, lot_id, product_id)
            SELECT NOW() AT TIME ZONE 'UTC' - (random() * interval '300 days'),
                   %s, lot.name, 'genuine', md5(lot.id::text), lot.id, lot.product_id
              FROM stock_lot lot WHERE lot.product_id = %s
            """,
            "0" + GTIN,
            product.id,
        )
    )
    env.cr.commit()
    env.cr.execute("ANALYZE")
    print(f"loaded {units} units in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return product


def update_module(db):
    """Bring an existing benchmark database to the code being measured."""
    subprocess.run(
        [
            sys.executable,
            odoo_bin(),
            f"--addons-path={addons_path()}",
            "-d",
            db,
            "-u",
            "serial_tracking_lookup",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def set_params(env, **values):
    for name, value in values.items():
        env["ir.config_parameter"].set_param(f"serial_tracking_lookup.{name}", value)
    env.cr.commit()


# ---- the server ---------------------------------------------------------------------
def start_server(db, port):
    log = os.path.join("/tmp", f"{db}_server.log")
    process = subprocess.Popen(
        [
            sys.executable,
            odoo_bin(),
            f"--addons-path={addons_path()}",
            *(
                f"--{option}={os.environ[name]}"
                for name, option in (
                    ("PGHOST", "db_host"),
                    ("PGPORT", "db_port"),
                    ("PGUSER", "db_user"),
                    ("PGPASSWORD", "db_password"),
                )
                if os.environ.get(name)
            ),
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--workers=2",
            "--max-cron-threads=0",
            "--proxy-mode",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={port + 10}",
            "--log-level=warn",
            # one line per request: path, status, queries, SQL and other seconds
            "--log-handler=werkzeug:INFO",
            f"--logfile={log}",
        ],
        start_new_session=True,
    )
    process.log = log
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if get(port, "/web/health")[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            sys.exit(f"odoo exited ({process.returncode}), see {log}")
        time.sleep(0.5)
    stop_server(process)
    sys.exit(f"odoo did not start, see {log}")


def odoo_bin():
    """The server script: Odoo's, with a placeholder for its websocket process
    (see ``_odoo_server.py``)."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_odoo_server.py")


REQUEST_LINE = re.compile(
    r'"GET (?P<path>\S+) HTTP/1\.[01]" (?P<status>\d+) - (?P<queries>\d+) '
    r"(?P<sql>[\d.]+) (?P<other>[\d.]+)"
)


def server_times(log, offset):
    """Server-side time (ms) and query counts per side, from the request log lines
    written after ``offset``: what the workers spent, without the client's part."""
    times = {"lookup": [], "login": []}
    queries = {"lookup": [], "login": []}
    with open(log, encoding="utf-8", errors="replace") as file:
        file.seek(offset)
        for line in file:
            match = REQUEST_LINE.search(line)
            if not match or match["path"] == "/web/health":
                continue
            kind = "login" if match["path"].startswith("/web/login") else "lookup"
            times[kind].append((float(match["sql"]) + float(match["other"])) * 1000)
            queries[kind].append(int(match["queries"]))
    return {
        kind: (
            statistics.median(values),
            percentile(sorted(values), 95),
            statistics.median(queries[kind]),
        )
        for kind, values in times.items()
        if values
    }


def stop_server(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def get(port, target, address=None, accept="text/html"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.putheader("Accept", accept)
        connection.putheader("Connection", "close")
        if address:
            connection.putheader("X-Forwarded-For", address)
            connection.putheader("X-Forwarded-Host", "id.example.test")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        return response.status, body
    finally:
        connection.close()


# ---- load ---------------------------------------------------------------------------
class Targets:
    """Request targets of one side, drawn reproducibly per round."""

    def __init__(self, kind, units, seed):
        self.kind, self.units = kind, units
        self.rng = random.Random(seed)
        self.lock = threading.Lock()

    def next(self):
        with self.lock:
            address = (
                f"10.{self.rng.randrange(256)}.{self.rng.randrange(256)}."
                f"{self.rng.randrange(1, 255)}"
            )
            if self.kind == "login":
                return "/web/login", address
            if self.rng.random() < 0.8:
                serial = f"{PREFIX}{self.rng.randrange(self.units):07d}"
            else:
                serial = f"XX{self.rng.randrange(10**7):07d}"
            return f"/serial-lookup/01/0{GTIN}/21/{serial}", address


def run_side(port, targets, requests, clients, max_seconds, master_pid=None):
    latencies, errors = [], []
    cpu_before = server_cpu(master_pid) if master_pid else 0
    deadline = time.monotonic() + max_seconds

    def worker(count):
        for _i in range(count):
            if time.monotonic() > deadline:
                return
            target, address = targets.next()
            start = time.perf_counter()
            status, body = get(port, target, address)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors.append((target, status, body[:200]))

    start = time.perf_counter()
    share = [
        requests // clients + (1 if i < requests % clients else 0)
        for i in range(clients)
    ]
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(worker, share))
    wall = time.perf_counter() - start
    cpu = server_cpu(master_pid) - cpu_before if master_pid else 0
    if errors:
        sys.exit(f"{len(errors)} errors, e.g. {errors[:3]}")
    latencies.sort()
    return {
        "count": len(latencies),
        "rps": len(latencies) / wall,
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "cpu": cpu * 1000 / max(len(latencies), 1),
    }


def server_cpu(master_pid):
    """CPU seconds used so far by the server's processes (master, workers) and by
    the PostgreSQL backends of their connections (named ``odoo-<pid>``): the work
    requests cost, whatever else the machine runs."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    fields = file.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    odoo_pids = {master_pid} | {
        pid for pid, (ppid, _cpu) in stats.items() if ppid == master_pid
    }
    names = ",".join(f"'odoo-{pid}'" for pid in odoo_pids)
    backends = psql(
        f"SELECT pid FROM pg_stat_activity WHERE application_name IN ({names})"
    )
    counted = odoo_pids | {int(pid) for pid in backends}
    ticks = sum(stats[pid][1] for pid in counted if pid in stats)
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(values, pct):
    index = max(0, min(len(values) - 1, round(pct / 100 * len(values)) - 1))
    return values[index]


def verdict_latencies(port, units, samples=200):
    """Single-client latency per kind of key, interleaved: p50 and p95 in ms."""
    rng = random.Random(7)
    kinds = {
        "genuine (existing unit)": lambda: (
            f"/01/0{GTIN}/21/{PREFIX}{rng.randrange(units):07d}"
        ),
        "not verified: unknown serial": lambda: (
            f"/01/0{GTIN}/21/XX{rng.randrange(10**7):07d}"
        ),
        "not verified: unknown GTIN": lambda: (
            f"/01/{UNKNOWN_GTIN}/21/{PREFIX}{rng.randrange(units):07d}"
        ),
    }
    times = {kind: [] for kind in kinds}
    for i in range(samples):
        for kind, make in kinds.items():
            target = "/serial-lookup" + make()
            start = time.perf_counter()
            status, _body = get(
                port, target, f"10.9.{i % 250}.{len(times[kind]) % 250 + 1}"
            )
            times[kind].append(time.perf_counter() - start)
            assert status == 200, (target, status)
    return {
        kind: (statistics.median(values) * 1000, percentile(sorted(values), 95) * 1000)
        for kind, values in times.items()
    }


# ---- screenshots ---------------------------------------------------------------------
def screenshots(env, port, directory):
    """One unit per verdict and warranty state, and its page at 360 px."""
    from odoo.tools import SQL

    os.makedirs(directory, exist_ok=True)
    product = env["product.product"].search([("default_code", "=", PRODUCT_CODE)])
    env.company.write(
        {
            "serial_lookup_intro": "Thank you for choosing our scanners.",
            "serial_lookup_contact": "Service: service@example.com\n+32 2 000 00 00",
            "serial_lookup_recall_text": "Stop using this scanner and call us for a "
            "free replacement.",
        }
    )
    if not product.image_1920:
        product.image_1920 = _product_image()
    lots = env["stock.lot"].search(
        [("product_id", "=", product.id)], limit=5, order="id"
    )
    today = date.today()
    cases = {
        "genuine_in_warranty": ("delivered", today - timedelta(days=100)),
        "genuine_expired": ("delivered", today - timedelta(days=900)),
        "genuine_not_sold": ("in_stock", None),
        "recalled": ("recalled", today - timedelta(days=200)),
    }
    for lot, (state, delivered) in zip(lots, cases.values(), strict=False):
        env.cr.execute(
            SQL(
                """UPDATE stock_lot SET unit_state = %s, delivery_date = %s,
                          warranty_end_date = (%s::date + interval '24 months')::date
                    WHERE id = %s""",
                state,
                delivered,
                delivered,
                lot.id,
            )
        )
    env.cr.commit()
    targets = {
        name: f"/serial-lookup/01/0{GTIN}/21/{lot.name}"
        for name, lot in zip(cases, lots, strict=False)
    }
    targets["not_verified"] = f"/serial-lookup/01/0{GTIN}/21/FAKE-000001"
    browser = next(
        path
        for path in (
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        )
        if os.path.exists(path)
    )
    for name, target in targets.items():
        out = os.path.join(directory, f"lookup_{name}.png")
        subprocess.run(
            [
                browser,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--window-size=360,900",
                f"--screenshot={out}",
                f"http://127.0.0.1:{port}{target}",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        print(f"screenshot {out}", file=sys.stderr)


def _product_image():
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (256, 256), "#e5e7eb")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((70, 30, 186, 226), radius=18, fill="#1f2937")
    draw.rectangle((90, 55, 166, 130), fill="#60a5fa")
    for row in range(3):
        for col in range(3):
            x, y = 92 + col * 26, 145 + row * 24
            draw.rectangle((x, y, x + 18, y + 14), fill="#9ca3af")
    stream = io.BytesIO()
    image.save(stream, "PNG")
    return base64.b64encode(stream.getvalue())


def load_average():
    with open("/proc/loadavg") as file:
        return " ".join(file.read().split()[:3])


def main():
    parser = bench_parser(
        __doc__,
        db="st_h14_bench",
        units=100_000,
        port=8215,
        requests=1000,
        clients=2,
        rounds=3,
        max_seconds=60.0,
    )
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--screenshots")
    args = parser.parse_args()

    setup_odoo()
    ensure_database(args.db, "serial_tracking_lookup", reset=args.reset)
    update_module(args.db)
    with environment(args.db, commit=True) as env:
        load_units(env, args.units)
        set_params(env, rate_limit=10**9, rate_window=60)
        units = env["stock.lot"].search_count([("name", "=like", f"{PREFIX}%")])
    print(f"load before: {load_average()}", file=sys.stderr)
    server = start_server(args.db, args.port)
    try:
        for kind in ("lookup", "login"):  # warm-up: every worker, every template
            run_side(args.port, Targets(kind, units, 0), 100, args.clients, 30)
        results = {"lookup": [], "login": []}
        offset = os.path.getsize(server.log)
        for round_ in range(args.rounds):
            for kind in ("lookup", "login") if round_ % 2 == 0 else ("login", "lookup"):
                results[kind].append(
                    run_side(
                        args.port,
                        Targets(kind, units, round_ + 1),
                        args.requests,
                        args.clients,
                        args.max_seconds,
                        server.pid,
                    )
                )
        time.sleep(1)  # the workers write their last request lines
        server_side = server_times(server.log, offset)
        verdicts = verdict_latencies(args.port, units)
        if args.screenshots:
            with environment(args.db, commit=True) as env:
                screenshots(env, args.port, args.screenshots)
    finally:
        stop_server(server)
        with environment(args.db, commit=True) as env:
            set_params(env, rate_limit=False, rate_window=False)
    print(f"load after: {load_average()}", file=sys.stderr)

    def med(kind, key):
        return statistics.median(result[key] for result in results[kind])

    print(
        f"\n{units} units, {args.rounds} rounds x {args.requests} requests per side, "
        f"{args.clients} concurrent clients, odoo --workers=2 on loopback\n"
    )
    print("| side | requests/s | p50 ms | p95 ms | CPU ms / request |")
    print("|---|---|---|---|---|")
    for kind, label in (("lookup", "lookup page (A)"), ("login", "/web/login (B)")):
        print(
            f"| {label} | {med(kind, 'rps'):.1f} | {med(kind, 'p50'):.1f} | "
            f"{med(kind, 'p95'):.1f} | {med(kind, 'cpu'):.1f} |"
        )
    print(
        f"\nthroughput A / B: {med('lookup', 'rps') / med('login', 'rps'):.2f}"
        f"   p95 A: {med('lookup', 'p95'):.1f} ms (target < 50 ms, >= 0.5 x B)"
    )
    print("\nserver side (the workers' time per request, from their request log):\n")
    print("| side | p50 ms | p95 ms | queries |")
    print("|---|---|---|---|")
    for kind, label in (("lookup", "lookup page (A)"), ("login", "/web/login (B)")):
        p50, p95, queries = server_side[kind]
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {queries:.0f} |")
    print("\nsingle client, per kind of key (interleaved, 200 each):\n")
    print("| key | p50 ms | p95 ms |")
    print("|---|---|---|")
    for kind, (p50, p95) in verdicts.items():
        print(f"| {kind} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
