#!/usr/bin/env python3
"""Can a receipt of N serial units, named on their move lines, be validated?

    python3 bench/check_big_receipt.py --db st_big_odoo --modules stock,product_expiry
    python3 bench/check_big_receipt.py --db st_big_serial --modules serial_tracking

That receipt is what Odoo's "Generate Serials" dialog (and serial_tracking_scheme's
names-only fast path) leave: one move line per unit with a ``lot_name``; Odoo creates
the units when the receipt is validated. Odoo 19 alone stops with ``RecursionError`` at
about 100,000 units: ``stock.lot.company_id`` is computed after the INSERT, 1,000 units
at a time, and each batch's unique-serial check runs a query that flushes and so
computes the next batch inside it. serial_tracking computes it before the INSERT.

Creates the database with ``--modules`` when missing; the receipt is rolled back.
Prints the validation time (or the error) and the peak memory of the process.
"""

import resource
import sys
import time

from _odoo import (
    analyze_receipt_tables,
    bench_parser,
    confirmed_receipt,
    ensure_database,
    environment,
    setup_odoo,
)


def main():
    parser = bench_parser(__doc__, units=100_000)
    parser.add_argument("--modules", default="serial_tracking")
    args = parser.parse_args()
    ensure_database(args.db, args.modules)
    setup_odoo()
    with environment(args.db) as env:
        installed = env["ir.module.module"].search_count(
            [("name", "=", "serial_tracking"), ("state", "=", "installed")]
        )
        product = env["product.product"].create(
            {
                "name": f"Big receipt {time.time():.0f}",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        picking = confirmed_receipt(env, product, args.units)
        env.flush_all()
        # One serial per line, as the Generate Serials dialog leaves them.
        env.cr.execute(
            "UPDATE stock_move_line SET lot_name = 'BIG' || id WHERE picking_id = %s",
            [picking.id],
        )
        env.invalidate_all()
        analyze_receipt_tables(env.cr)
        print(
            f"{args.units:,} units, serial_tracking "
            f"{'installed' if installed else 'not installed'}: validating...",
            flush=True,
        )
        start = time.perf_counter()
        try:
            picking.move_ids.picked = True
            picking.button_validate()
            env.flush_all()
            outcome = f"validated ({picking.state})"
            status = 0
        except RecursionError:
            outcome = "RecursionError"
            status = 1
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{outcome} after {elapsed:.1f} s, peak RSS {peak:.0f} MiB")
    return status


if __name__ == "__main__":
    sys.exit(main())
