#!/usr/bin/env python3
"""Benchmark of the scan flows: server time per scan, ours vs Odoo's standard path,
and dispatch vs this repository before the scan engine, in the same run.

    python3 bench/bench_scan.py --db st_bench_scan [--units 100000] [--lines 200]
                                [--per-line 5] [--flows dispatch,unreserved,...]
                                [--baseline-ref REF | --no-baseline]

* Creates the database and installs ``serial_tracking_barcode`` when it is missing;
  loads ``--units`` serial units in stock once (set-based SQL: lots then quants, the
  rows Odoo's ORM would write) over ``--lines`` serial products, then ``ANALYZE``.
* Flows, ``--lines`` x ``--per-line`` scans each (1,000 with the defaults), every
  scan of ours followed by the same work on Odoo's standard path (A B A B ...):

  - ``dispatch``: a reserved delivery; per line 3 reserved serials and 2 other
    serials in stock (a reservation swap). Standard: search the lot by name, write
    ``lot_id`` and ``picked`` on the line reserving it, else on a free line.
  - ``unreserved``: the same delivery without reservation. Standard: search the
    lot, create its move line (``lot_id``, quantity 1, picked), as in Odoo's
    detailed operations.
  - ``receive``: a receipt, new serials scanned on their line (``move_id``).
    Standard: the same outcome, the unit created (``stock.lot.create``) and
    ``lot_id`` and ``picked`` written on a free line of the receipt; with
    ``--receive-standard name``, only ``lot_name`` and ``picked`` written (Odoo
    makes the unit at validation, a cost our scan pays up front).
  - ``transfer``: the transfer by scan: a destination location, then units.
    Standard: search the lot, create the move line of an internal transfer.

* ``dispatch`` and ``unreserved`` also run on the code of ``--baseline-ref``
  (default: the first parent of the commit that brought the scan engine,
  ``models/serial_scan_service.py``), in a git worktree of that commit and a
  database of its own built the same way (``<db>_base``, same units), in a child
  process whose scans are interleaved with ours (A B C A B C ...).
* Each scan is timed like one request: from a cold ORM cache to the committed
  transaction, as the admin user (access rules apply). Prints p50 / p95 / mean,
  the ratios, the targets (p95 < 15 ms, >= 3x the standard path, dispatch no
  slower than before) and the load average.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

from _odoo import REPO, addons_path, bench_parser, ensure_database, setup_odoo
from bench_scan_data import (
    load_units,
    make_picking,
    plan_codes,
    standard_scan,
)

FLOWS = ("dispatch", "unreserved", "receive", "transfer")
BASELINE_FLOWS = ("dispatch", "unreserved")


def percentile(values, pct):
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def stats(values):
    return statistics.median(values), percentile(values, 95), statistics.fmean(values)


class Side:
    """One side of the comparison in this process: a flow's operation and codes."""

    def __init__(
        self, registry, product_ids, flow, per_line, ours, taken, receive_unit=True
    ):
        from odoo import SUPERUSER_ID, api

        self.registry, self.flow, self.ours = registry, flow, ours
        self.receive_unit = receive_unit
        self.queries = []  # per scan, the commit included
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            products = env["product.product"].browse(product_ids)
            picking = make_picking(env, products, per_line, flow, ours)
            self.codes = plan_codes(env, picking, products, per_line, flow, taken)
            self.picking_id = picking.id
            cr.commit()

    def scan(self, cr, env, i):
        code, move_id = self.codes[i]
        env.invalidate_all()
        queries = cr.sql_log_count
        t = time.perf_counter()
        if self.ours:
            result = our_scan(env, self.flow, self.picking_id, code, move_id)
        else:
            standard_scan(
                env, self.flow, self.picking_id, code, move_id, self.receive_unit
            )
            result = {"status": "ok"}
        cr.commit()
        elapsed = (time.perf_counter() - t) * 1000
        self.queries.append(cr.sql_log_count - queries)
        if result["status"] != "ok":
            sys.exit(f"{self.flow}: {code} refused: {result['message']}")
        return elapsed

    def finish(self, env):
        picking = env["stock.picking"].browse(self.picking_id)
        picked = len(picking.move_line_ids.filtered("picked"))
        picking.action_cancel()
        return picked


def our_scan(env, flow, picking_id, code, move_id):
    key = uuid.uuid4().hex
    if flow in ("dispatch", "unreserved"):
        return env["stock.picking"].browse(picking_id).serial_dispatch_scan(code, key)
    if flow == "receive":
        return env["serial.scan.receive"].serial_receive_scan(
            picking_id, code, key, move_id
        )
    return env["serial.scan.transfer"].serial_transfer_scan(picking_id, code, key)


class Baseline:
    """The baseline's dispatch scans, in a child process (``--serve``)."""

    def __init__(self, ref, db, args):
        sha = subprocess.run(
            ["git", "-C", REPO, "rev-parse", "--short", ref],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.label = sha
        tree = os.path.join(REPO, ".local", f"bench-baseline-{sha}")
        if not os.path.isdir(tree):
            subprocess.run(
                ["git", "-C", REPO, "worktree", "add", "--detach", tree, sha],
                check=True,
                capture_output=True,
            )
        path = addons_path().replace(REPO, tree, 1)
        command = [
            sys.executable,
            os.path.abspath(__file__),
            "--serve",
            "--db",
            db,
            "--addons-path",
            path,
            "--units",
            str(args.units),
            "--lines",
            str(args.lines),
        ]
        self.child = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def call(self, **message):
        self.child.stdin.write(json.dumps(message) + "\n")
        self.child.stdin.flush()
        line = self.child.stdout.readline()
        if not line:
            sys.exit("The baseline process stopped.")
        return json.loads(line)

    def close(self):
        self.call(cmd="quit")
        self.child.wait(timeout=60)


def open_registry(db, path, units, lines):
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    ensure_database(db, "serial_tracking_barcode", path=path)
    setup_odoo(path, db)
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        product_ids = load_units(env, units, lines).ids
    return registry, product_ids


def serve(args):
    """Child process: the baseline's scans, one JSON command per line on stdin."""
    from odoo import SUPERUSER_ID, api

    out = sys.stdout
    sys.stdout = sys.stderr  # only answers on the pipe
    registry, product_ids = open_registry(
        args.db, args.addons_path, args.units, args.lines
    )
    side = cr = None
    for line in sys.stdin:
        message = json.loads(line)
        if message["cmd"] == "prepare":
            side = Side(
                registry, product_ids, message["flow"], message["per_line"], True, set()
            )
            # A new transaction: its snapshot sees the new operation.
            cr = registry.cursor()
            admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin").id
            env = api.Environment(cr, admin, {"tracking_disable": True})
            answer = {"n": len(side.codes)}
        elif message["cmd"] == "scan":
            answer = {"ms": side.scan(cr, env, message["i"])}
        elif message["cmd"] == "finish":
            env.invalidate_all()
            answer = {"picked": side.finish(env)}
            cr.commit()
            cr.close()
        else:
            answer = {}
        out.write(json.dumps(answer) + "\n")
        out.flush()
        if message["cmd"] == "quit":
            break
    return 0


def run_flow(registry, product_ids, flow, per_line, baseline, receive_unit=True):
    from odoo import SUPERUSER_ID, api

    taken = set()
    ours = Side(registry, product_ids, flow, per_line, True, taken)
    std = Side(registry, product_ids, flow, per_line, False, taken, receive_unit)
    n = min(len(ours.codes), len(std.codes))
    base = baseline and flow in BASELINE_FLOWS
    if base:
        n = min(n, baseline.call(cmd="prepare", flow=flow, per_line=per_line)["n"])
    times = {"ours": [], "std": [], "base": []}
    with registry.cursor() as cr:
        admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin").id
        env = api.Environment(cr, admin, {"tracking_disable": True})
        for i in range(n):
            times["ours"].append(ours.scan(cr, env, i))
            times["std"].append(std.scan(cr, env, i))
            if base:
                times["base"].append(baseline.call(cmd="scan", i=i)["ms"])
        env.invalidate_all()
        picked = [ours.finish(env), std.finish(env)]
        cr.commit()
    if base:
        picked.append(baseline.call(cmd="finish")["picked"])
    if min(picked) < n:
        sys.exit(f"{flow}: unexpected picked lines {picked} for {n} scans")
    times["queries"] = (
        statistics.median(ours.queries),
        statistics.median(std.queries),
    )
    return times


def report(results, baseline_label):
    header = (
        f"{'flow':<11} {'scans':>5} | {'ours p50':>8} {'p95':>6} {'mean':>6} | "
        f"{'std p50':>7} {'p95':>6} | {'x p50':>5} {'x p95':>5} | "
        f"{'base p50':>8} {'p95':>6} | {'base/ours p50':>13} | queries ours/std"
    )
    print(
        "\nServer time per scan (ms); std = Odoo's standard ORM path; "
        f"base = dispatch at {baseline_label or '-'}"
    )
    print(header)
    print("-" * len(header))
    verdicts = []
    for flow, times in results.items():
        a50, a95, amean = stats(times["ours"])
        b50, b95, _ = stats(times["std"])
        line = (
            f"{flow:<11} {len(times['ours']):>5} | {a50:>8.2f} {a95:>6.2f} "
            f"{amean:>6.2f} | {b50:>7.2f} {b95:>6.2f} | {b50 / a50:>4.1f}x "
            f"{b95 / a95:>4.1f}x |"
        )
        if times["base"]:
            c50, c95, _ = stats(times["base"])
            line += f" {c50:>8.2f} {c95:>6.2f} | {c50 / a50:>12.2f}x"
            verdicts.append((flow, "no slower than before", c50 >= a50 * 0.95))
        else:
            line += f" {'':>8} {'':>6} | {'':>13}"
        if "queries" in times:
            line += " | {:g} / {:g}".format(*times["queries"])
        print(line)
        verdicts.append((flow, "p95 < 15 ms", a95 < 15))
        verdicts.append((flow, ">= 3x standard (p50)", b50 / a50 >= 3))
    print()
    for flow, target, met in verdicts:
        print(f"  {flow:<11} {target:<24} {'met' if met else 'NOT met'}")
    return all(met for _f, _t, met in verdicts)


def main():
    parser = bench_parser(__doc__, units=100_000, lines=200, per_line=5)
    parser.add_argument("--flows", default=",".join(FLOWS))
    parser.add_argument(
        "--receive-standard",
        choices=("unit", "name"),
        default="unit",
        help="Odoo's side of receive: the unit created (the same outcome as a "
        "scan, default) or only the serial's name written",
    )
    parser.add_argument("--baseline-ref")
    parser.add_argument("--baseline-db", help="default: <db>_base")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--addons-path", help="default: this repository + Odoo's")
    args = parser.parse_args()
    if args.serve:
        return serve(args)

    baseline = None
    flows = [flow for flow in args.flows.split(",") if flow]
    if not args.no_baseline and set(flows) & set(BASELINE_FLOWS):
        ref = args.baseline_ref or first_parent_before_engine()
        baseline = Baseline(ref, args.baseline_db or f"{args.db}_base", args)
    registry, product_ids = open_registry(
        args.db, args.addons_path or addons_path(), args.units, args.lines
    )
    print(f"load average before: {os.getloadavg()}", flush=True)
    results = {}
    try:
        for flow in flows:
            t0 = time.perf_counter()
            results[flow] = run_flow(
                registry,
                product_ids,
                flow,
                args.per_line,
                baseline,
                args.receive_standard == "unit",
            )
            print(f"{flow}: {time.perf_counter() - t0:.0f} s", flush=True)
            report({flow: results[flow]}, baseline and baseline.label)
    finally:
        if baseline:
            baseline.close()
    print("\nAll flows:")
    ok = report(results, baseline and baseline.label)
    print(f"load average after: {os.getloadavg()}")
    return 0 if ok else 1


def first_parent_before_engine():
    """The first parent of the commit that added the scan engine's service."""
    added = subprocess.run(
        [
            "git",
            "-C",
            REPO,
            "log",
            "--first-parent",
            "--diff-filter=A",
            "--format=%H",
            "--",
            "serial_tracking_barcode/models/serial_scan_service.py",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not added:
        sys.exit("No scan engine in this history: pass --baseline-ref.")
    return f"{added[-1]}^1"


if __name__ == "__main__":
    sys.exit(main())
