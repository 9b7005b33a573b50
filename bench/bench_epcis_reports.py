"""EPCIS export and serial reports on a big database (``bench/million_db.py``'s).

* EPCIS export: ``--events`` events (default 1,000,000) of the whole database as one
  EPCIS 2.0 document, the way ``/epcis/download`` streams it (keyset chunks, text
  chunks written out: here to a file that is then deleted), in a **fresh process** per
  size so its peak memory (``VmHWM``) is its own; run for a tenth of the events too,
  to show the peak does not grow with the number of events. Baseline in the same run:
  reading the same timeline rows through the ORM (``serial.event.search_read`` in
  chunks of 5,000, what an ORM-based exporter would start from), for the tenth.
* Reports: what the web client asks when one opens them, cache cleared before each
  run: the list's first page (``web_search_read``, 80 rows, count up to 10,000) and
  the pivot's totals (``formatted_read_grouping_sets`` of the default pivot) of the
  serial stock report (now and as of 90 days ago), the batch report and the warranty
  exposure; against Odoo's own stock report (``stock.quant`` list and pivot by
  product) in the same run.

    python3 bench/bench_epcis_reports.py --db st_h15_million [--events 1000000]
        [--runs 3]

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

from _odoo import environment, median, setup_odoo


def vm_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def export_child(db, events):
    """Run in a fresh process: stream ``events`` events, print a JSON summary."""
    setup_odoo()
    from odoo.addons.serial_tracking_epcis.tools import epcis

    with environment(db) as env:
        Epcis = env["serial.epcis"]
        rows_sql = Epcis._events_sql()
        base_url, db_uuid = Epcis._document_context()
        baseline = vm_kib("VmRSS")
        start = time.perf_counter()
        cpu = time.process_time()
        size = count = 0
        with tempfile.TemporaryFile("w") as out:
            rows = Epcis._iter_rows(env.cr, rows_sql, limit=events)
            for chunk in epcis.iter_document(rows, base_url, db_uuid):
                out.write(chunk)
                size += len(chunk)
                count += 1
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    print(
        json.dumps(
            {
                "events": count - 2,
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "mib": size / 2**20,
                "baseline_rss_mib": baseline / 1024,
                "peak_rss_mib": vm_kib("VmHWM") / 1024,
            }
        )
    )


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


def child(mode, db, events):
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--db",
            db,
            "--child",
            mode,
            "--events",
            str(events),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["export", "orm"])
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    if args.child == "export":
        return export_child(args.db, args.events)
    if args.child == "orm":
        return orm_child(args.db, args.events)

    print(f"machine load: {os.getloadavg()}")
    if not args.skip_export:
        # CPU s: this process's own CPU time (the Python side), which a loaded
        # machine does not inflate the way it does the wall-clock seconds
        tenth = max(args.events // 10, 1)
        small = child("export", args.db, tenth)
        big = child("export", args.db, args.events)
        orm = child("orm", args.db, tenth)
        print("\nEPCIS export (one fresh process each)")
        print(
            f"{'events':>10} {'seconds':>9} {'ev/s':>9} {'MiB out':>8} "
            f"{'peak RSS':>9} {'base RSS':>9} {'CPU s':>7}"
        )
        for run in (small, big):
            print(
                f"{run['events']:>10} {run['seconds']:>9.1f} "
                f"{run['events'] / run['seconds']:>9.0f} {run['mib']:>8.0f} "
                f"{run['peak_rss_mib']:>8.0f}M {run['baseline_rss_mib']:>8.0f}M "
                f"{run['cpu_seconds']:>7.1f}"
            )
        print(
            f"ORM search_read of the same timeline rows, {orm['events']} events: "
            f"{orm['seconds']:.1f} s (EPCIS export of as many: "
            f"{small['seconds']:.1f} s, ratio {small['seconds'] / orm['seconds']:.2f})"
        )

    setup_odoo()
    with environment(args.db) as env:
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
