#!/usr/bin/env python3
"""Benchmark of the dispatch scan: server time per scan, ours vs Odoo's standard path.

    python3 bench/bench_scan.py --db st_bench_scan [--units 100000] [--lines 200]
                                [--per-line 5] [--rounds 3]

* Creates the database and installs ``serial_tracking_barcode`` when it is missing.
* Loads ``--units`` serial units in stock once (set-based SQL: lots then quants, the
  same rows Odoo's ORM would write), spread over ``--lines`` serial-tracked products,
  then ``ANALYZE``.
* Each round creates two identical deliveries of ``--lines`` lines x ``--per-line``
  units (1,000 scans with the defaults), reserved by Odoo, and scans every unit on
  both, interleaved (A B A B ...): 3 of each line's units are the reserved serials, 2
  are other serials of the same product in stock (a reservation swap).

  A = ``stock.picking.serial_dispatch_scan(code, scan_uid)`` (this addon)
  B = Odoo's standard ORM path: ``stock.lot.search([('name', '=', code)])``, then
      ``stock.move.line.write({'lot_id': ..., 'picked': True})`` on the delivery's line
      reserving that serial, else its first unpicked line of the product.

  Both run as the admin user (access rules apply). Each scan is timed like one
  request: from a cold ORM cache to the committed transaction.
* Prints median / p95 / mean per round and overall, and the ratio B / A.
"""

import argparse
import statistics
import sys
import time
import uuid

from _odoo import addons_path, ensure_database

PRODUCT_PREFIX = "BENCH-SCAN-"


def load_units(env, units, lines):
    """Products, lots and quants, once. Returns the benchmark's products."""
    from odoo.tools import SQL

    Product = env["product.product"]
    products = Product.search(
        [("default_code", "=like", f"{PRODUCT_PREFIX}%")], order="id"
    )
    if len(products) == lines:
        return products
    if products:
        sys.exit(
            f"This database holds another benchmark layout ({len(products)} products)."
        )
    t0 = time.perf_counter()
    products = Product.create(
        [
            {
                "name": f"Bench serial product {i:03d}",
                "default_code": f"{PRODUCT_PREFIX}{i:03d}",
                "is_storable": True,
                "tracking": "serial",
            }
            for i in range(lines)
        ]
    )
    env.flush_all()
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    stock = warehouse.lot_stock_id
    per_product = units // lines
    columns = {
        row[0]
        for row in env.execute_query(
            SQL(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'stock_lot'"
            )
        )
    }
    extra_cols, extra_vals = [], []
    if "unit_state" in columns:
        extra_cols.append("unit_state")
        extra_vals.append(SQL("'in_stock'"))
    if "location_id" in columns:
        extra_cols.append("location_id")
        extra_vals.append(SQL("%s", stock.id))
    env.cr.execute(
        SQL(
            """
            INSERT INTO stock_lot (name, product_id, company_id, create_uid, write_uid,
                                   create_date, write_date %(cols)s)
            SELECT 'BSN-' || lpad(p.idx::text, 3, '0') || '-' || lpad(n::text, 6, '0'),
                   p.id, %(company)s, %(uid)s, %(uid)s, now() at time zone 'UTC',
                   now() at time zone 'UTC' %(vals)s
              FROM unnest(%(products)s::int[]) WITH ORDINALITY AS p(id, idx),
                   generate_series(1, %(per)s) AS n
            """,
            cols=SQL("").join(SQL(", %s", SQL.identifier(c)) for c in extra_cols),
            vals=SQL("").join(SQL(", %s", v) for v in extra_vals),
            company=env.company.id,
            uid=env.uid,
            products=products.ids,
            per=per_product,
        )
    )
    env.cr.execute(
        SQL(
            """
            INSERT INTO stock_quant (product_id, location_id, lot_id, company_id,
                                     quantity, reserved_quantity, in_date, create_uid,
                                     write_uid, create_date, write_date)
            SELECT l.product_id, %(loc)s, l.id, %(company)s, 1, 0,
                   now() at time zone 'UTC', %(uid)s, %(uid)s,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM stock_lot l WHERE l.product_id = ANY(%(products)s)
            """,
            loc=stock.id,
            company=env.company.id,
            uid=env.uid,
            products=products.ids,
        )
    )
    env.invalidate_all()
    env.cr.commit()
    env.cr.execute("ANALYZE")
    print(
        f"Loaded {per_product * lines:,} serial units on {lines} products "
        f"in {time.perf_counter() - t0:.1f} s (then ANALYZE)",
        flush=True,
    )
    return products


def make_delivery(env, products, per_line):
    from odoo import Command

    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    customers = env.ref("stock.stock_location_customers")
    picking = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.out_type_id.id,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": customers.id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": per_line,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": customers.id,
                    }
                )
                for product in products
            ],
        }
    )
    picking.action_confirm()
    picking.action_assign()
    return picking


def plan_codes(env, picking, products, per_line, taken):
    """Codes to scan on a delivery: 3 reserved + 2 free serials per line."""
    codes = []
    reserved_by_product = {}
    for ml in picking.move_line_ids:
        reserved_by_product.setdefault(ml.product_id.id, []).append(ml.lot_id.name)
    reserved_all = set(
        env["stock.move.line"]
        .search([("state", "not in", ("done", "cancel")), ("lot_id", "!=", False)])
        .lot_id.mapped("name")
    )
    swaps = min(2, per_line)
    for product in products:
        reserved = sorted(reserved_by_product.get(product.id, []))[: per_line - swaps]
        free = env["stock.lot"].search(
            [
                ("product_id", "=", product.id),
                ("name", "not in", list(reserved_all | taken)),
            ],
            order="name desc",
            limit=swaps,
        )
        line_codes = reserved + free.mapped("name")
        taken.update(line_codes)
        codes.extend(line_codes)
    return codes


def standard_scan(env, picking_id, code):
    """Odoo's standard ORM path: search the lot by name, write it on a move line."""
    lot = env["stock.lot"].search([("name", "=", code)], limit=1)
    MoveLine = env["stock.move.line"]
    ml = MoveLine.search(
        [
            ("picking_id", "=", picking_id),
            ("lot_id", "=", lot.id),
            ("picked", "=", False),
        ],
        limit=1,
    ) or MoveLine.search(
        [
            ("picking_id", "=", picking_id),
            ("product_id", "=", lot.product_id.id),
            ("picked", "=", False),
        ],
        limit=1,
    )
    ml.write({"lot_id": lot.id, "picked": True})


def percentile(values, pct):
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def stats(values):
    return statistics.median(values), percentile(values, 95), statistics.fmean(values)


def run_round(registry, product_ids, per_line, round_no):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        products = env["product.product"].browse(product_ids)
        t0 = time.perf_counter()
        ours = make_delivery(env, products, per_line)
        std = make_delivery(env, products, per_line)
        taken = set()
        codes_ours = plan_codes(env, ours, products, per_line, taken)
        codes_std = plan_codes(env, std, products, per_line, taken)
        cr.commit()
        ours_id, std_id = ours.id, std.id
        print(
            f"Round {round_no}: 2 deliveries of {len(products)} lines reserved "
            f"in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
    times_a, times_b, refused = [], [], []
    with registry.cursor() as cr:
        # Scans run as a real user (access rules apply), not as the superuser.
        admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin").id
        env = api.Environment(cr, admin, {"tracking_disable": True})
        picking = env["stock.picking"].browse(ours_id)
        for code_a, code_b in zip(codes_ours, codes_std, strict=True):
            env.invalidate_all()
            t = time.perf_counter()
            result = picking.serial_dispatch_scan(code_a, uuid.uuid4().hex)
            cr.commit()
            times_a.append((time.perf_counter() - t) * 1000)
            if result["status"] != "ok":
                refused.append((code_a, result["reason"]))
            env.invalidate_all()
            t = time.perf_counter()
            standard_scan(env, std_id, code_b)
            cr.commit()
            times_b.append((time.perf_counter() - t) * 1000)
        # Check both did the same work, then free the stock for the next round.
        env.invalidate_all()
        both = env["stock.picking"].browse([ours_id, std_id])
        picked = [len(p.move_line_ids.filtered("picked")) for p in both]
        both.action_cancel()
        cr.commit()
    if refused:
        sys.exit(f"Our scan refused {len(refused)} codes, e.g. {refused[:3]}")
    if picked != [len(codes_ours), len(codes_std)]:
        sys.exit(f"Unexpected picked lines {picked}")
    return times_a, times_b


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--per-line", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--addons-path", help="default: this repository + Odoo's addons"
    )
    args = parser.parse_args()

    import odoo
    from odoo.modules.registry import Registry

    path = args.addons_path or addons_path()
    ensure_database(args.db, "serial_tracking_barcode", path=path)
    odoo.tools.config.parse_config(
        [f"--addons-path={path}", "-d", args.db, "--log-level=warn"],
        setup_logging=True,
    )
    registry = Registry(args.db)
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        products = load_units(env, args.units, args.lines)
        product_ids = products.ids
        in_stock = env["stock.quant"].search_count(
            [("product_id", "in", product_ids), ("quantity", ">", 0)]
        )
    print(
        f"{in_stock:,} serial units in stock; "
        f"{args.lines} lines x {args.per_line} units"
    )

    rows, all_a, all_b = [], [], []
    for round_no in range(1, args.rounds + 1):
        times_a, times_b = run_round(registry, product_ids, args.per_line, round_no)
        all_a += times_a
        all_b += times_b
        rows.append((f"round {round_no}", len(times_a), stats(times_a), stats(times_b)))
    rows.append(("all rounds", len(all_a), stats(all_a), stats(all_b)))

    header = (
        f"{'':<11} {'scans':>6} | {'ours p50':>9} {'p95':>7} {'mean':>7} | "
        f"{'std p50':>9} {'p95':>7} {'mean':>7} | {'x p50':>6} {'x p95':>6}"
    )
    print()
    print(
        "Server time per scan (ms), ours = serial_dispatch_scan, "
        "std = lot search + move line write"
    )
    print(header)
    print("-" * len(header))
    for label, n, (a50, a95, amean), (b50, b95, bmean) in rows:
        print(
            f"{label:<11} {n:>6} | {a50:>9.2f} {a95:>7.2f} {amean:>7.2f} | "
            f"{b50:>9.2f} {b95:>7.2f} {bmean:>7.2f} | "
            f"{b50 / a50:>5.1f}x {b95 / a95:>5.1f}x"
        )
    _label, _n, (a50, a95, _m), (b50, b95, _m2) = rows[-1]
    ok = a95 < 20 and b95 / a95 >= 3
    print()
    print(
        f"Targets: p95 < 20 ms ({'met' if a95 < 20 else 'NOT met'}: {a95:.1f} ms), "
        f">= 3x faster than standard ({'met' if b95 / a95 >= 3 else 'NOT met'}: "
        f"{b95 / a95:.1f}x at p95, {b50 / a50:.1f}x at p50)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
