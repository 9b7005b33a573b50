"""EPCIS export and serial reports on a big database (``bench/million_db.py``'s).

* EPCIS export: ``--events`` events (default 1,000,000) as one EPCIS 2.0 document:
  with ``--scope batches`` (default) those of the first batches whose units have
  that many events (mixed histories: commissioning, receipt, put-away, delivery,
  returns), with ``--scope all`` the whole database's first ones (all
  commissionings, which come first in the paging order). Streamed the way
  ``/epcis/download`` streams it (keyset chunks, text chunks written to a file
  then deleted), in a **fresh process** per run so its peak memory (``VmHWM``) is
  its own; run for a tenth of the events too, to show the peak does not grow with
  the number of events. Baseline in the same run: reading as many timeline rows
  through the ORM (``serial.event.search_read`` in chunks of 5,000, what an
  ORM-based exporter would start from), for the tenth.
* Reports: what the web client asks when one opens them, cache cleared before each
  run: the list's first page (``web_search_read``, 80 rows, count up to 10,000) and
  the pivot's totals (``formatted_read_grouping_sets`` of the default pivot) of the
  serial stock report (now and as of 90 days ago), the batch report and the warranty
  exposure; against Odoo's own stock report (``stock.quant`` list and pivot by
  product) in the same run.

    python3 bench/bench_epcis_reports.py --db st_h15_million [--events 1000000]
        [--runs 3] [--scope batches|all] [--skip-export] [--skip-reports]

The database must hold the addons ``serial_tracking_report`` and
``serial_tracking_epcis`` (``-i`` them into a copy of the million-unit database).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from _odoo import bench_parser, environment, median, setup_odoo


def vm_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def export_child(db, events, batch_ids):
    """Run in a fresh process: stream ``events`` events, print a JSON summary."""
    setup_odoo()
    from odoo.addons.serial_tracking_epcis.tools import epcis

    with environment(db) as env:
        Epcis = env["serial.epcis"]
        filters = {"batch_ids": batch_ids} if batch_ids else {}
        rows_sql = Epcis._events_sql(**filters)
        base_url, db_uuid = Epcis._document_context()
        baseline = vm_kib("VmRSS")
        start = time.perf_counter()
        cpu = time.process_time()
        size = count = 0
        timeline = 0

        def counted(batches):
            nonlocal count, timeline
            for rows in batches:
                count += len(rows)
                timeline += sum(row[0] for row in rows)
                yield rows

        with tempfile.TemporaryFile("w") as out:
            rows = counted(Epcis._iter_rows(env.cr, rows_sql, limit=events))
            for chunk in epcis.iter_document(rows, base_url, db_uuid):
                out.write(chunk)
                size += len(chunk)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    print(
        json.dumps(
            {
                "events": count,
                "timeline_events": timeline,
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "mib": size / 2**20,
                "baseline_rss_mib": baseline / 1024,
                "peak_rss_mib": vm_kib("VmHWM") / 1024,
            }
        )
    )


def scope_batches(db, events):
    """Batches (in id order) whose units have at least ``events`` events: an
    export of real mixed histories (the whole database's first million events
    would all be commissionings, which come first)."""
    setup_odoo()
    with environment(db) as env:
        env.cr.execute(
            """
            SELECT b.id, COUNT(DISTINCT lot.id) + COUNT(e.id)
              FROM serial_batch b
              JOIN stock_lot lot ON lot.batch_id = b.id
         LEFT JOIN serial_event e ON e.lot_id = lot.id
          GROUP BY b.id ORDER BY b.id
            """
        )
        chosen, total = [], 0
        for batch_id, count in env.cr.fetchall():
            if total >= events:
                break
            chosen.append(batch_id)
            total += count
    return chosen


def orm_child(db, events):
    setup_odoo()
    with environment(db) as env:
        Event = env["serial.event"]
        fields = ["date", "event_type", "lot_id", "location_id", "location_dest_id"]
        fields += ["partner_id", "picking_id", "user_id"]
        start = time.perf_counter()
        last, done = 0, 0
        while done < events:
            rows = Event.search_read(
                [("id", ">", last)], fields, order="id", limit=min(5000, events - done)
            )
            if not rows:
                break
            done += len(rows)
            last = rows[-1]["id"]
            env.invalidate_all()
        elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {"events": done, "seconds": elapsed, "peak_rss_mib": vm_kib("VmHWM") / 1024}
        )
    )


def child(mode, db, events, batch_ids=()):
    command = [sys.executable, __file__, "--db", db, "--child", mode]
    command += ["--events", str(events)]
    if batch_ids:
        command += ["--batches", ",".join(map(str, batch_ids))]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


LIST_SPEC = {
    "serial.stock.report": ["name", "product_id", "batch_id", "unit_state",
                            "location_id", "customer_id", "receipt_date", "age_days",
                            "quantity", "value"],
    "serial.batch.report": ["name", "product_id", "expiration_date", "unit_count",
                            "held_count", "delivered_count", "value"],
    "serial.warranty.report": ["name", "product_id", "customer_id",
                               "warranty_end_date", "unit_count", "value"],
    "stock.quant": ["product_id", "location_id", "lot_id", "quantity"],
}  # fmt: skip
PIVOTS = {
    "serial.stock.report": (
        [("quantity", ">", 0)],
        [[], ["product_id"], ["age_bucket"], ["product_id", "age_bucket"]],
        ["quantity:sum", "value:sum"],
    ),
    "serial.batch.report": ([], [[], ["product_id"]], ["unit_count:sum", "value:sum"]),
    "serial.warranty.report": (
        [],
        [[], ["warranty_end_month:month"], ["product_id"]],
        ["unit_count:sum", "value:sum"],
    ),
    "stock.quant": (
        [("location_id.usage", "=", "internal")],
        [[], ["product_id"]],
        ["quantity:sum"],
    ),
}


def give_warranties(env):
    """A database whose products have no warranty has no warranty exposure to
    report: give the serial products 24 months (12 for every other one) and the
    delivered units their warranty end as the core computes it (delivery date plus
    the months), in SQL, inside the benchmark's transaction (rolled back)."""
    env.cr.execute(
        "SELECT 1 FROM stock_lot WHERE warranty_end_date IS NOT NULL LIMIT 1"
    )
    if env.cr.fetchone():
        return
    start = time.perf_counter()
    env.cr.execute(
        """
        UPDATE product_template
           SET warranty_months = CASE WHEN mod(id, 2) = 0 THEN 24 ELSE 12 END
         WHERE tracking = 'serial';
        UPDATE stock_lot lot
           SET warranty_end_date = (lot.delivery_date::date
                                    + make_interval(months => pt.warranty_months))::date
          FROM product_product pp
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE pp.id = lot.product_id AND pt.tracking = 'serial'
           AND lot.delivery_date IS NOT NULL;
        ANALYZE stock_lot;
        """
    )
    env.cr.execute(
        "SELECT COUNT(*) FROM stock_lot WHERE unit_state = 'delivered'"
        " AND warranty_end_date >= CURRENT_DATE"
    )
    print(
        f"warranties given (rolled back at the end): {env.cr.fetchone()[0]} delivered"
        f" units under warranty, {time.perf_counter() - start:.0f} s"
    )
    env.invalidate_all()


def open_times(env, model, context, runs):
    Model = env[model].with_context(**context)
    domain, grouping_sets, aggregates = PIVOTS[model]
    spec = {name: {} for name in LIST_SPEC[model]}
    for name in ("product_id", "batch_id", "location_id", "customer_id"):
        if name in spec:
            spec[name] = {"fields": {"display_name": {}}}
    first_page, pivot = [], []
    for _run in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        Model.web_search_read(domain, spec, limit=80, count_limit=10001)
        first_page.append(time.perf_counter() - start)
        env.invalidate_all()
        start = time.perf_counter()
        Model.formatted_read_grouping_sets(domain, grouping_sets, aggregates)
        pivot.append(time.perf_counter() - start)
    return median(first_page), median(pivot)


def main():
    parser = bench_parser(__doc__, events=1_000_000, runs=3)
    parser.add_argument("--child", choices=["export", "orm"])
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-reports", action="store_true")
    parser.add_argument(
        "--scope",
        choices=["batches", "all"],
        default="batches",
        help="export the events of whole batches (mixed histories, default) or "
        "the whole database's first events (commissionings first)",
    )
    parser.add_argument("--batches", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "export":
        batch_ids = [int(part) for part in args.batches.split(",") if part]
        return export_child(args.db, args.events, batch_ids)
    if args.child == "orm":
        return orm_child(args.db, args.events)

    print(f"machine load: {os.getloadavg()}")
    if not args.skip_export:
        # CPU s: this process's own CPU time (the Python side), which a loaded
        # machine does not inflate the way it does the wall-clock seconds
        tenth = max(args.events // 10, 1)
        scope = args.scope == "batches"
        small_batches = scope_batches(args.db, tenth) if scope else ()
        big_batches = scope_batches(args.db, args.events) if scope else ()
        smalls, bigs, orms = [], [], []
        for _run in range(args.runs):
            smalls.append(child("export", args.db, tenth, small_batches))
            bigs.append(child("export", args.db, args.events, big_batches))
            orms.append(child("orm", args.db, tenth))
        print(
            f"\nEPCIS export, scope {args.scope} "
            f"(medians of {args.runs} runs, a fresh process each)"
        )
        print(
            f"{'events':>10} {'timeline':>9} {'seconds':>9} {'ev/s':>9} "
            f"{'MiB out':>8} {'peak RSS':>9} {'base RSS':>9} {'CPU s':>7}"
        )
        for runs in (smalls, bigs):
            run = {key: median([r[key] for r in runs]) for key in runs[0]}
            print(
                f"{run['events']:>10.0f} {run['timeline_events']:>9.0f} "
                f"{run['seconds']:>9.1f} {run['events'] / run['seconds']:>9.0f} "
                f"{run['mib']:>8.0f} {run['peak_rss_mib']:>8.0f}M "
                f"{run['baseline_rss_mib']:>8.0f}M {run['cpu_seconds']:>7.1f}"
            )
            print(f"   seconds of each run: {[round(r['seconds'], 1) for r in runs]}")
        small = median([r["seconds"] for r in smalls])
        orm = median([r["seconds"] for r in orms])
        print(
            f"ORM search_read of as many timeline rows ({tenth} events): {orm:.1f} s; "
            f"EPCIS export of {tenth} events: {small:.1f} s, ratio {small / orm:.2f}"
        )
        print(f"machine load: {os.getloadavg()}")
    if args.skip_reports:
        return None

    setup_odoo()
    with environment(args.db) as env:
        give_warranties(env)
        past = str(env.cr.now().date() - timedelta(days=90))
        print(f"\nReports: medians of {args.runs}, seconds (first page / pivot totals)")
        for model, context in (
            ("serial.stock.report", {}),
            ("serial.stock.report", {"serial_report_date": past}),
            ("serial.batch.report", {}),
            ("serial.warranty.report", {}),
            ("stock.quant", {}),
        ):
            first, pivot = open_times(env, model, context, args.runs)
            label = model + (" as of " + past if context else "")
            print(f"{label:<42} {first:>7.2f} {pivot:>7.2f}")
    print(f"machine load: {os.getloadavg()}")
    return None


if __name__ == "__main__":
    main()
