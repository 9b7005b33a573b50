#!/usr/bin/env python3
"""Benchmark: big receipts and deliveries of serial units end to end, fast path vs Odoo.

    python3 bench/bench_big_receipts.py --db st_big_bench [--units 10000] \
        [--big 100000] [--stock 50000 --deliver 5000] [--runs 3] [--odoo-runs 1] \
        [--cases receipt,big,delivery] [--paths odoo,fast] [--stock-product ID] \
        [--profile DIR]

Every measurement runs in its own Python process (so its peak memory is its own),
in a database with serial_tracking_scheme and stock_account; what is timed is rolled
back (the confirmed receipts, their generated serials and the stock of the
deliveries stay):

- receipt N, ``odoo``: a confirmed receipt of N units of a serial product
  (created and committed by a process of its own, as a receipt exists before it
  is validated); timed, in a new process:
  Odoo's "Generate Serials" dialog (``action_generate_lot_line_vals`` + saving the
  move's lines), then ``button_validate`` through Odoo's own path
  (``serial_fast_off``);
- receipt N, ``fast``: the same receipt; timed: the scheme's names-only generation
  (``action_serial_generate_from_scheme(create_units=False)``), then
  ``button_validate``, which takes the fast path;
- on both paths the generation is committed before the validation starts (with an
  empty cache), as the user's two actions are two requests: in one transaction
  PostgreSQL checks every foreign key of a row again when a row it wrote is
  updated (10 per move line), which no user's validation pays;
- delivery: ``--stock`` units of one product received once for all runs (fast
  path, not timed, committed, ANALYZE); each run confirms a delivery of
  ``--deliver`` of them, reserved by Odoo (timed apart, "assign"), and times its
  ``button_validate`` through either path.

Runs alternate (odoo, fast, odoo, fast...) and medians are printed with the ratio;
Odoo's path runs only in the first ``--odoo-runs`` runs (it takes many minutes at
10,000 units on a small machine). The ``--big`` receipt is measured for the fast
path only: Odoo's own path ends in RecursionError at about 100,000 units (see
``bench/check_big_receipt.py``). The load average is printed before and after.
``--stock-product`` delivers from the stock of an earlier run (its "stock" line
prints the product's id) instead of receiving ``--stock`` units again.
Besides wall times, each timed step reports this process's CPU time (``cpu``) and
the time it waited for PostgreSQL (``sql_wait``); under load the rest is mostly
waiting for a CPU. Validation is timed in the request
(``serial_background_validation``: no background queue, whatever the size). Peak
memory is the process's peak RSS during the timed steps (Linux ``VmHWM``, reset
before them).

``--profile DIR`` runs each timed receipt or delivery step of the fast path under
cProfile and writes ``DIR/<case>-<path>-<pid>.pstats`` (``python3 -m pstats``), with
the number and time of the SQL queries by their first words in the JSON result: the
timings are then not comparable to the others.
"""

import argparse
import collections
import contextlib
import cProfile
import json
import os
import statistics
import subprocess
import sys
import time

from _odoo import (
    analyze_receipt_tables,
    bench_parser,
    committed_receipt,
    ensure_database,
    odoo_generate,
    peak_rss_mib,
    reset_peak_rss,
    setup_odoo,
)

ADDONS = "serial_tracking_scheme,stock_account"


@contextlib.contextmanager
def cpu_and_sql(result):
    """The CPU time of this process (``cpu``) and the time spent waiting for
    PostgreSQL (``sql_wait``) during a timed step: on a loaded machine the wall
    time is mostly waiting for a CPU, these say where the work is."""
    from odoo.sql_db import Cursor

    execute = Cursor.execute
    waited = [0.0]

    def timing(cr, query, params=None, log_exceptions=True):
        start = time.perf_counter()
        try:
            return execute(cr, query, params, log_exceptions)
        finally:
            waited[0] += time.perf_counter() - start

    Cursor.execute = timing
    cpu = time.process_time()
    try:
        yield
    finally:
        Cursor.execute = execute
        result["cpu"] = result.get("cpu", 0.0) + time.process_time() - cpu
        result["sql_wait"] = result.get("sql_wait", 0.0) + waited[0]


@contextlib.contextmanager
def profiled(args, result):
    """cProfile and an SQL tally around a timed step, when ``--profile``."""
    if not args.profile or args.path != "fast":
        with cpu_and_sql(result):
            yield
        return
    from odoo.sql_db import Cursor

    tally = collections.Counter()
    spent = collections.Counter()
    execute = Cursor.execute

    def counting(cr, query, params=None, log_exceptions=True):
        start = time.perf_counter()
        try:
            return execute(cr, query, params, log_exceptions)
        finally:
            text = query.code if hasattr(query, "code") else str(query)
            key = " ".join(text.split()[:3])[:60]
            tally[key] += 1
            spent[key] += time.perf_counter() - start

    from odoo.models import BaseModel

    recompute_field = BaseModel._recompute_field
    flush = BaseModel._flush
    stack = []

    def recomputing(model, field, ids=None):
        count = (
            len(model.env.transaction.tocompute.get(field, ()))
            if ids is None
            else len(ids)
        )
        start = time.perf_counter()
        stack.append(field)
        try:
            return recompute_field(model, field, ids)
        finally:
            stack.pop()
            key = f"recompute {field} ({'in ' + str(stack[-1]) if stack else 'top'})"
            tally[key] += count
            spent[key] += time.perf_counter() - start

    def flushing(model):
        dirty = {
            f.name: len(model.env._field_dirty.get(f, ()))
            for f in model._fields.values()
            if model.env._field_dirty.get(f)
        }
        start = time.perf_counter()
        try:
            return flush(model)
        finally:
            if dirty:
                key = f"flush {model._name} {sorted(dirty)}"[:160]
                tally[key] += max(dirty.values())
                spent[key] += time.perf_counter() - start

    profile = cProfile.Profile()
    Cursor.execute = counting
    BaseModel._recompute_field = recomputing
    BaseModel._flush = flushing
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        Cursor.execute = execute
        BaseModel._recompute_field = recompute_field
        BaseModel._flush = flush
        os.makedirs(args.profile, exist_ok=True)
        profile.dump_stats(
            os.path.join(args.profile, f"{args.case}-{args.path}-{os.getpid()}.pstats")
        )
        result["sql"] = {
            key: [tally[key], round(spent[key], 2)] for key, _n in spent.most_common(60)
        }


def worker(args):
    """One measurement, printed as JSON on the last line."""
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    setup_odoo()
    registry = Registry(args.db)
    fast = args.path == "fast"
    tag = f"{args.case[0].upper()}{os.getpid()}{int(time.time()) % 100000}"
    result = {"case": args.case, "path": args.path, "units": args.units}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.case == "prepare":
            # As in real life, the receipt exists before it is validated: created
            # and committed by a process of its own (its memory is not measured).
            picking = committed_receipt(env, tag, args.units, scheme=fast)
            result["picking_id"] = picking.id
        elif args.case == "receipt":
            if args.picking:
                picking = env["stock.picking"].browse(args.picking)
                product = picking.move_ids.product_id
            else:
                picking = committed_receipt(env, tag, args.units, scheme=fast)
                product = picking.move_ids.product_id
            reset_peak_rss()
            with profiled(args, result):
                start = time.perf_counter()
                if fast:
                    picking.move_ids.action_serial_generate_from_scheme(
                        create_units=False
                    )
                else:
                    odoo_generate(env, picking)
                env.flush_all()
                # Generating and validating are two requests (see the docstring).
                cr.commit()
                env.invalidate_all()
                result["generate"] = time.perf_counter() - start
                mid = time.perf_counter()
                picking.move_ids.picked = True
                picking.with_context(
                    serial_fast_off=not fast, serial_background_validation=True
                ).button_validate()
                env.flush_all()
                result["validate"] = time.perf_counter() - mid
                result["total"] = time.perf_counter() - start
            result["peak_mib"] = peak_rss_mib()
            assert picking.state == "done", picking.state
            result["units_in_stock"] = product.qty_available
            cr.rollback()
        elif args.case == "stock":
            receipt = committed_receipt(env, tag, args.stock, scheme=True)
            product = receipt.move_ids.product_id
            receipt.move_ids.action_serial_generate_from_scheme(create_units=False)
            receipt.move_ids.picked = True
            receipt.with_context(serial_background_validation=True).button_validate()
            cr.commit()
            analyze_receipt_tables(cr)
            result["product_id"] = product.id
            result["units_in_stock"] = product.qty_available
        else:
            product = env["product.product"].browse(args.product)
            receipt = env["stock.picking"].search(
                [("product_id", "=", product.id), ("state", "=", "done")], limit=1
            )
            start = time.perf_counter()
            warehouse = receipt.picking_type_id.warehouse_id
            delivery = env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "location_dest_id": env.ref("stock.stock_location_customers").id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": product.id,
                                "product_uom_qty": args.deliver,
                                "location_id": warehouse.lot_stock_id.id,
                                "location_dest_id": env.ref(
                                    "stock.stock_location_customers"
                                ).id,
                            },
                        )
                    ],
                }
            )
            delivery.action_confirm()
            delivery.action_assign()
            delivery.move_ids.picked = True
            env.flush_all()
            result["assign"] = time.perf_counter() - start
            reset_peak_rss()
            mid = time.perf_counter()
            with profiled(args, result):
                delivery.with_context(
                    serial_fast_off=not fast, serial_background_validation=True
                ).button_validate()
                env.flush_all()
            result["validate"] = time.perf_counter() - mid
            result["total"] = result["validate"]
            result["peak_mib"] = peak_rss_mib()
            assert delivery.state == "done", delivery.state
            result["units_in_stock"] = product.qty_available
            cr.rollback()
    print(json.dumps(result))


def run_one(
    db, case, path, units, stock=0, deliver=0, product=0, picking=0, profile=None
):
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--db",
        db,
        "--worker",
        "--case",
        case,
        "--path",
        path,
        "--units",
        str(units),
        "--stock",
        str(stock),
        "--deliver",
        str(deliver),
        "--product",
        str(product),
        "--picking",
        str(picking),
    ]
    if profile:
        cmd += ["--profile", profile]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode:
        print(out.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{case}/{path} failed")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  {json.dumps(result)}", file=sys.stderr, flush=True)
    return result


def main():
    parser = bench_parser(
        __doc__, units=10_000, big=100_000, stock=50_000, deliver=5_000, runs=3
    )
    parser.add_argument("--odoo-runs", type=int, default=None)
    parser.add_argument("--cases", default="receipt,big,delivery")
    parser.add_argument(
        "--paths", default="odoo,fast", help="which paths to time (odoo, fast)"
    )
    parser.add_argument(
        "--stock-product",
        type=int,
        default=0,
        help="deliver from this product's stock (received by an earlier run of "
        "the delivery case, see its output) instead of receiving --stock units",
    )
    parser.add_argument("--profile", default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--product", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--picking", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    ensure_database(args.db, ADDONS)
    print(f"load at start: {os.getloadavg()}", file=sys.stderr, flush=True)
    cases = args.cases.split(",")
    odoo_runs = args.runs if args.odoo_runs is None else args.odoo_runs
    stock_product = args.stock_product
    if "delivery" in cases and not stock_product:
        stock = run_one(args.db, "stock", "fast", 0, args.stock)
        stock_product = stock["product_id"]
    results = {}
    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs}", file=sys.stderr, flush=True)
        for case in cases:
            for path in args.paths.split(","):
                if path == "odoo" and (case == "big" or run >= odoo_runs):
                    continue
                if case == "delivery":
                    res = run_one(
                        args.db,
                        "delivery",
                        path,
                        0,
                        args.stock,
                        args.deliver,
                        stock_product,
                        profile=args.profile,
                    )
                else:
                    units = args.big if case == "big" else args.units
                    picking = run_one(args.db, "prepare", path, units)["picking_id"]
                    res = run_one(
                        args.db,
                        "receipt",
                        path,
                        units,
                        picking=picking,
                        profile=args.profile,
                    )
                results.setdefault((case, path), []).append(res)
    print(
        f"\nload at end: {os.getloadavg()}; medians of the runs (seconds; "
        f"odoo: {odoo_runs} run(s), fast: {args.runs})"
    )
    print(
        f"{'case':<28}{'path':<6}{'generate':>10}{'validate':>10}{'total':>10}"
        f"{'peak MiB':>10}{'cpu':>8}{'sql wait':>10}"
    )
    for (case, path), runs in results.items():

        def med(key, runs=runs):
            values = [r[key] for r in runs if key in r]
            return statistics.median(values) if values else float("nan")

        label = {
            "receipt": f"receipt {args.units}",
            "big": f"receipt {args.big}",
            "delivery": f"delivery {args.deliver}/{args.stock}",
        }[case]
        print(
            f"{label:<28}{path:<6}{med('generate'):>10.2f}{med('validate'):>10.2f}"
            f"{med('total'):>10.2f}{med('peak_mib'):>10.0f}"
            f"{med('cpu'):>8.1f}{med('sql_wait'):>10.1f}"
        )
    for case in cases:
        odoo, fast = results.get((case, "odoo")), results.get((case, "fast"))
        if odoo and fast:
            for key in ("validate", "total"):
                ratio = statistics.median(r[key] for r in odoo) / statistics.median(
                    r[key] for r in fast
                )
                print(f"{case}: {key} {ratio:.1f}x faster")


if __name__ == "__main__":
    main()
