"""Overhead of serial_tracking on validating a receipt of serial units.

Two databases, the same Odoo modules but for serial_tracking itself: ``stock`` +
``product_expiry`` (its dependencies) against the same plus ``serial_tracking``. In
each, a receipt of N serial units is prepared (not timed), then ``button_validate`` is
timed, then everything is rolled back. Runs alternate between the two databases
(A B A B ...) and the medians are compared.

    python3 bench/bench_receipt_validation.py [--units 10000] [--runs 3] [--reset]
"""

import argparse
import sys

from _odoo import (
    confirmed_receipt,
    ensure_database,
    environment,
    median,
    setup_odoo,
    timer,
)

BASELINE = ("st_bench_stock", "stock,product_expiry")
ADDON = ("st_bench_serial", "serial_tracking")


def prepare_receipt(env, units, tag):
    product = env["product.product"].create(
        {"name": f"Bench unit {tag}", "is_storable": True, "tracking": "serial"}
    )
    picking = confirmed_receipt(env, product, units)
    move = picking.move_ids
    move.move_line_ids.unlink()
    env["stock.move.line"].create(
        [
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": product.id,
                "lot_name": f"B{tag}-{i:07d}",
                "quantity": 1,
                "picked": True,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
            }
            for i in range(units)
        ]
    )
    move.picked = True
    env.flush_all()
    env.cr.execute("ANALYZE stock_move_line, stock_lot, stock_quant")
    return picking


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reset", action="store_true", help="recreate the databases")
    args = parser.parse_args()

    setup_odoo()
    for dbname, modules in (BASELINE, ADDON):
        ensure_database(dbname, modules, reset=args.reset)

    results = {}
    for run in range(args.runs):
        for label, (dbname, _modules) in (
            ("odoo", BASELINE),
            ("serial_tracking", ADDON),
        ):
            with environment(dbname) as env:
                picking = prepare_receipt(env, args.units, f"{run}")
                queries = env.cr.sql_log_count
                with timer(results, label):
                    picking.button_validate()
                    env.flush_all()
                results.setdefault(f"{label} queries", []).append(
                    env.cr.sql_log_count - queries
                )
                assert picking.state == "done", picking.state
                if label == "serial_tracking":
                    lots = picking.move_line_ids.lot_id
                    assert set(lots.mapped("unit_state")) == {"in_stock"}
                    assert env["serial.event"].search_count(
                        [("lot_id", "in", lots.ids)]
                    ) == len(lots)
            print(
                f"run {run + 1} {label:16} {results[label][-1]:8.2f} s",
                file=sys.stderr,
                flush=True,
            )

    base, ours = median(results["odoo"]), median(results["serial_tracking"])
    # each run's pair ran back to back: its ratio is less exposed to load drifting
    ratios = [
        b / a for a, b in zip(results["odoo"], results["serial_tracking"], strict=True)
    ]
    print(
        f"\nValidate a receipt of {args.units} serial units, median of {args.runs} runs"
    )
    print("| database | runs (s) | median (s) | SQL queries |")
    print("|---|---|---|---|")
    for label in ("odoo", "serial_tracking"):
        runs = ", ".join(f"{value:.2f}" for value in results[label])
        queries = median(results[f"{label} queries"])
        print(f"| {label} | {runs} | {median(results[label]):.2f} | {queries:.0f} |")
    print(f"\nratio of medians: {ours / base:.3f} ({(ours / base - 1) * 100:+.1f}%)")
    paired = median(ratios)
    print(
        f"paired ratios: {', '.join(f'{r:.3f}' for r in ratios)}; "
        f"median {paired:.3f} ({(paired - 1) * 100:+.1f}%; target <= +10%)"
    )


if __name__ == "__main__":
    main()
