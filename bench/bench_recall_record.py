#!/usr/bin/env python3
"""Recall records at scale, on the million-unit database of ``million_db.py``.

    python3 bench/bench_recall_record.py --db st_h13_million [--runs 3]

Times, median of ``--runs``, for a draft recall of one 10,000-unit batch:

- the FSMA 204 spreadsheet (one step back, one step forward: every receipt and
  delivery of the units, built into an XLSX with openpyxl);
- the same lists as CSV;
- the mock-recall drill (units by position, customers, both lists and the XLSX,
  nothing written but the drill record).

Each run works in a transaction that is rolled back. Target: the spreadsheet in under
10 s. The database must hold ``serial_tracking_recall_record`` (install it with
``-i`` on a copy of the million database: ``createdb -T``).
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _odoo import bench_parser, environment, median, setup_odoo


def _largest_batch(env):
    """The batch of ``million_db.py``'s layout, else the one with most units."""
    value = env["ir.config_parameter"].sudo().get_param("bench.million_db.layout")
    if value:
        return json.loads(value)["batch_ids"][0]
    env.cr.execute(
        "SELECT batch_id FROM stock_lot WHERE batch_id IS NOT NULL "
        "GROUP BY batch_id ORDER BY COUNT(*) DESC LIMIT 1"
    )
    return env.cr.fetchone()[0]


def main():
    parser = bench_parser(__doc__, runs=3)
    args = parser.parse_args()
    setup_odoo()
    results = {"xlsx": [], "csv": [], "drill": []}
    rows = None
    for _run in range(args.runs):
        with environment(args.db) as env:
            recall = env["serial.recall"].create(
                {"title": "Bench records", "batch_ids": [_largest_batch(env)]}
            )
            env.flush_all()
            start = time.perf_counter()
            back, forward = recall._serial_trace_rows()
            recall._serial_trace_xlsx(back, forward)
            results["xlsx"].append(time.perf_counter() - start)
            rows = (len(back), len(forward))
            start = time.perf_counter()
            recall._serial_trace_csv()
            results["csv"].append(time.perf_counter() - start)
            start = time.perf_counter()
            action = recall.action_drill()
            results["drill"].append(time.perf_counter() - start)
            drill = env["serial.recall.drill"].browse(action["res_id"])
            units = drill.unit_count
            env.cr.rollback()
    print(
        f"batch of {units:,} units: {rows[0]:,} receipt rows, {rows[1]:,} delivery rows"
    )
    print(f"{'step':<32}{'median s':>10}   runs")
    for key, label in (
        ("xlsx", "FSMA spreadsheet (XLSX)"),
        ("csv", "FSMA lists (CSV)"),
        ("drill", "mock-recall drill"),
    ):
        runs = ", ".join(f"{value:.2f}" for value in results[key])
        print(f"{label:<32}{median(results[key]):>10.2f}   {runs}")


if __name__ == "__main__":
    main()
