#!/usr/bin/env python3
"""Benchmark of counting by serial and selling by scan, against Odoo's own paths.

    python3 bench/bench_count_sell.py --db st_h11_bench [--units 100000]
                                      [--count-units 5000] [--runs 3] [--scans 1000]
                                      [--order-lines 200] [--flows count,sell]

* Creates the database with ``serial_tracking_count`` and
  ``serial_tracking_sale_scan`` (so ``sale_stock``) when missing, and loads
  ``--units`` serial units in stock with ``bench_scan.load_units`` (set-based SQL).
* **Apply** (median of ``--runs``, interleaved A B, B A..., each run on fresh units
  of its own product on two shelves): ``--count-units`` units counted at shelf 1,
  of which 1/5 missing (recorded there, not scanned) and 1/5 unexpected (scanned there,
  recorded at shelf 2).
  A = ``serial.count.action_apply`` (scans saved beforehand);
  B = Odoo's own Physical Inventory doing the same adjustment on the same quants:
  ``inventory_quantity = 0`` on the missing quants + ``action_apply_inventory``,
  then *Relocate* (``move_quants``) of the unexpected quants to shelf 1.
  Both timed to the committed transaction.
  The share of ours outside Odoo's own ``action_apply_inventory`` and ``move_quants``
  is timed inside the same run (free of the drift between runs).
* **Per scan** (``--scans`` each, interleaved, the order of the steps rotating from
  one scan to the next, each from a cold cache to commit,
  as the admin user, both sides in one context: the web client's ``lang`` and
  ``tracking_disable``), among the ``--units`` units in stock:
  count: A = ``serial.count.action_scan`` on a count of the warehouse stock;
  B = Odoo's standard ORM path of a Physical Inventory count of one unit: search
  the lot by name, its quant at the location, write ``inventory_quantity = 1``.
  sell: A = ``sale.order.action_scan_unit``; B = search the lot by name, its quant
  in the warehouse stock, then add one on the order's line of the product (or create
  it), as a salesperson would by hand. Both quotations start with ``--order-lines``
  lines (one per product, a normal order here; 0: empty quotations) and the units
  scanned are those of each product in turn, so each scan adds one on a line.
  floor: a no-op scan timed the same way (cold cache, the admin user's write access
  check, a one-row write, the commit with its fsync): the fixed part both sides pay.
  ``std p50 / floor p50`` is the ratio a scan costing nothing more would reach.
  ``SQL``: the median number of queries of a scan, its commit excluded.
  ``--flows count``: time only the count scans (and the floor).
  ``--tax-rounding``: the company's tax rounding for the sell scans (both sides;
  by default the database's, Odoo's default ``round_globally``). With
  ``round_per_line`` a repeat scan moves the order's totals by its line's change
  (``serial_tracking_sale_scan/tools/order_totals.py``); with ``round_globally``
  it computes them from the lines' bases summed per set of taxes
  (``…/tools/order_totals_global.py``).
"""

import os
import statistics
import time
import uuid

from _odoo import addons_path, bench_parser, ensure_database, warehouse_of
from bench_scan import load_units, percentile

# The steps of a scan round: the floor, then each flow's A and B.
FLOWS = ("floor", "count", "sell")


def fresh_units(env, tag, count_units):
    """A product with ``count_units`` units at shelf 1 and ``count_units // 5``
    at shelf 2 (set-based SQL, as load_units)."""
    from odoo.tools import SQL

    warehouse = warehouse_of(env)
    shelf_1, shelf_2 = env["stock.location"].create(
        [
            {"name": f"Count {tag} shelf 1", "location_id": warehouse.lot_stock_id.id},
            {"name": f"Count {tag} shelf 2", "location_id": warehouse.lot_stock_id.id},
        ]
    )
    product = env["product.product"].create(
        {"name": f"Bench count {tag}", "is_storable": True, "tracking": "serial"}
    )
    env.flush_all()
    unexpected = count_units // 5
    for location, number, prefix in (
        (shelf_1, count_units, "A"),
        (shelf_2, unexpected, "B"),
    ):
        env.cr.execute(
            SQL(
                """
                WITH lots AS (
                    INSERT INTO stock_lot (name, product_id, company_id, unit_state,
                                           create_uid, write_uid, create_date,
                                           write_date)
                    SELECT %(prefix)s || %(tag)s || '-' || n, %(product)s,
                           %(company)s, 'in_stock', %(uid)s, %(uid)s,
                           now() at time zone 'UTC', now() at time zone 'UTC'
                      FROM generate_series(1, %(n)s) n
                 RETURNING id)
                INSERT INTO stock_quant (product_id, location_id, lot_id, company_id,
                                         quantity, reserved_quantity, in_date,
                                         create_uid, write_uid, create_date,
                                         write_date)
                SELECT %(product)s, %(loc)s, id, %(company)s, 1, 0,
                       now() at time zone 'UTC', %(uid)s, %(uid)s,
                       now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM lots
                """,
                prefix=prefix,
                tag=tag,
                product=product.id,
                company=env.company.id,
                uid=env.uid,
                n=number,
                loc=location.id,
            )
        )
    env.invalidate_all()
    quants = env["stock.quant"].search([("product_id", "=", product.id)], order="id")
    here = quants.filtered(lambda q: q.location_id == shelf_1)
    there = quants - here
    missing = here[: count_units // 5]
    return shelf_1, here - missing, missing, there


def timed_odoo_calls(env):
    """Time Odoo's own inventory calls (``action_apply_inventory``, ``move_quants``)
    while the count applies: the seconds of each call are appended to the returned
    list, so the share of ``action_apply`` that is not Odoo's work is measured in
    the same run, free of the drift between runs."""
    spent = []
    Quant = type(env["stock.quant"])
    originals = {name: getattr(Quant, name) for name in ODOO_CALLS}

    def timed(name):
        def call(self, *args, **kwargs):
            started = time.perf_counter()
            try:
                return originals[name](self, *args, **kwargs)
            finally:
                spent.append(time.perf_counter() - started)

        return call

    for name in ODOO_CALLS:
        setattr(Quant, name, timed(name))
    return spent, lambda: [setattr(Quant, n, f) for n, f in originals.items()]


ODOO_CALLS = ("action_apply_inventory", "move_quants")


def apply_ours(env, tag, count_units):
    from odoo.tools import SQL

    shelf, found, missing, there = fresh_units(env, tag, count_units)
    count = env["serial.count"].create({"location_id": shelf.id, "name": tag})
    env.flush_all()
    env.cr.execute(
        SQL(
            """INSERT INTO serial_count_line (count_id, company_id, product_id,
                      lot_id, quantity, is_serial, user_id, create_uid, write_uid,
                      create_date, write_date)
               SELECT %(count)s, %(company)s, product_id, lot_id, 1, TRUE, %(uid)s,
                      %(uid)s, %(uid)s, now() at time zone 'UTC',
                      now() at time zone 'UTC'
                 FROM stock_quant WHERE id = ANY(%(ids)s)""",
            count=count.id,
            company=env.company.id,
            uid=env.uid,
            ids=(found | there).ids,
        )
    )
    env.cr.commit()
    env.invalidate_all()
    odoo_spent, restore = timed_odoo_calls(env)
    t = time.perf_counter()
    try:
        count.action_apply()
        env.cr.commit()
    finally:
        restore()
    elapsed = time.perf_counter() - t
    OWN_SHARE.append(elapsed - sum(odoo_spent))
    assert count.applied_counts == {
        "found": len(found),
        "missing": len(missing),
        "unexpected": len(there),
    }, count.applied_counts
    return elapsed


OWN_SHARE = []  # seconds of each apply_ours outside Odoo's inventory calls
# the same for apply_odoo: its write of the counted quantities and the commit (which
# flushes what Odoo's calls left to recompute); ours has both too
ODOO_OUTSIDE = []


def apply_odoo(env, tag, count_units):
    shelf, _found, missing, there = fresh_units(env, tag, count_units)
    env.cr.commit()
    env.invalidate_all()
    odoo_spent, restore = timed_odoo_calls(env)
    t = time.perf_counter()
    try:
        quants = missing.with_context(inventory_mode=True, inventory_name=tag)
        quants.inventory_quantity = 0
        quants.action_apply_inventory()
        there.move_quants(location_dest_id=shelf, message=tag)
        env.cr.commit()
    finally:
        restore()
    elapsed = time.perf_counter() - t
    ODOO_OUTSIDE.append(elapsed - sum(odoo_spent))
    return elapsed


def bench_apply(registry, runs, count_units):
    from odoo import SUPERUSER_ID, api

    ours, odoo_times = [], []
    for run in range(runs):
        sides = [("ours", apply_ours, ours), ("odoo", apply_odoo, odoo_times)]
        # A B, B A, A B...: neither side always runs first on a warmer cache
        for label, func, times in sides if run % 2 == 0 else sides[::-1]:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                tag = f"{label}{run}-{uuid.uuid4().hex[:6]}"
                times.append(func(env, tag, count_units))
                print(f"apply run {run + 1} {label}: {times[-1]:.2f} s", flush=True)
    a, b = statistics.median(ours), statistics.median(odoo_times)
    print(
        f"\nApply a {count_units:,}-unit count ({count_units // 5:,} missing, "
        f"{count_units // 5:,} unexpected), median of {runs}: ours {a:.2f} s, "
        f"Odoo's Physical Inventory {b:.2f} s, ours / Odoo = {a / b:.3f} "
        f"({'meets' if a / b <= 1.10 else 'misses'} the 1.10 target); "
        f"load {os.getloadavg()}"
    )
    paired = [x / y for x, y in zip(ours, odoo_times, strict=True)]
    print(
        "per run, ours / Odoo: "
        + ", ".join(f"{ratio:.3f}" for ratio in paired)
        + f"; median {statistics.median(paired):.3f}"
    )
    own, rest = statistics.median(OWN_SHARE), statistics.median(ODOO_OUTSIDE)
    print(
        "outside Odoo's action_apply_inventory / move_quants (timed in each run): "
        "ours "
        + ", ".join(f"{x:.2f}" for x in OWN_SHARE)
        + f" s (median {own:.2f}); Odoo's side "
        + ", ".join(f"{x:.2f}" for x in ODOO_OUTSIDE)
        + f" s (median {rest:.2f}); ours adds {own - rest:.2f} s "
        f"= {(own - rest) / b:.1%} of Odoo's median"
    )


def std_count_scan(env, location, code):
    lot = env["stock.lot"].search([("name", "=", code)], limit=1)
    quant = env["stock.quant"].search(
        [("lot_id", "=", lot.id), ("location_id", "child_of", location.id)], limit=1
    )
    quant.with_context(inventory_mode=True).inventory_quantity = 1


def std_sell_scan(env, order, stock, code):
    lot = env["stock.lot"].search([("name", "=", code)], limit=1)
    env["stock.quant"].search(
        [
            ("lot_id", "=", lot.id),
            ("location_id", "child_of", stock.id),
            ("quantity", ">", 0),
        ],
        limit=1,
    )
    line = order.order_line.filtered(lambda line: line.product_id == lot.product_id)
    if line:
        line.product_uom_qty += 1
    else:
        env["sale.order.line"].create(
            {
                "order_id": order.id,
                "product_id": lot.product_id.id,
                "product_uom_qty": 1,
            }
        )


def time_line_writes(env):
    """Time the sell flow's ORM write of the order line: ``_scan_apply`` less its
    hold row insert (``_scan_insert``) is Odoo's work. The milliseconds of each
    call are appended to the returned list."""
    spent = []
    flow = type(env["serial.scan.sale"])
    original_insert, original_apply = flow._scan_insert, flow._scan_apply
    inserts = []

    def timed_insert(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original_insert(self, *args, **kwargs)
        finally:
            inserts.append(time.perf_counter() - started)

    def timed_apply(self, *args, **kwargs):
        inserts.clear()
        started = time.perf_counter()
        try:
            return original_apply(self, *args, **kwargs)
        finally:
            spent.append((time.perf_counter() - started - sum(inserts)) * 1000)

    flow._scan_insert = timed_insert
    flow._scan_apply = timed_apply
    return spent


def scan_codes(env, product_ids, number):
    """``number`` serials in stock, counted nowhere and held by no order, taken in
    turn from each product (the sell scans add one on each line of the order in
    turn)."""
    from odoo.tools import SQL

    rows = env.execute_query(
        SQL(
            """
            SELECT name FROM (
                SELECT lot.name, lot.product_id, ROW_NUMBER() OVER (
                           PARTITION BY lot.product_id ORDER BY lot.id DESC) AS n
                  FROM stock_lot lot
                 WHERE lot.product_id = ANY(%(products)s)
                   AND lot.unit_state = 'in_stock'
                   AND NOT EXISTS (SELECT 1 FROM sale_scan_unit h
                                    WHERE h.lot_id = lot.id)
                   AND NOT EXISTS (SELECT 1 FROM serial_count_line c
                                    WHERE c.lot_id = lot.id)) x
             WHERE n <= %(per_product)s
          ORDER BY n, product_id
             LIMIT %(number)s
            """,
            products=product_ids,
            per_product=number // len(product_ids) + 1,
            number=number,
        )
    )
    if len(rows) < number:
        raise SystemExit(f"Only {len(rows)} units left to scan; load more --units.")
    return [name for (name,) in rows]


def floor_scan(env, count):
    """The fixed part every scan pays on both sides, as a scan that does nothing:
    the admin user's write access check and a one-row write, so that the commit
    flushes the WAL (fsync) as a scan's commit does."""
    count.browse().check_access("write")
    env.cr.execute(
        "UPDATE serial_count SET write_date = NOW() AT TIME ZONE 'UTC' WHERE id = %s",
        [count.id],
    )


def bench_scans(
    registry, product_ids, scans, order_lines, tax_rounding=None, flows=FLOWS
):
    from odoo import SUPERUSER_ID, api

    # Both sides in one context, as the web client sends it (``lang``). The first
    # environment of a cursor is the one its commit flushes with: without
    # ``tracking_disable`` there, the fields Odoo recomputes at commit (the standard
    # path's order totals) would be tracked in the chatter, and ours not.
    context = {"tracking_disable": True, "lang": "en_US"}
    with registry.cursor() as cr:
        admin = api.Environment(cr, SUPERUSER_ID, context).ref("base.user_admin").id
        env = api.Environment(cr, admin, context)
        line_write = time_line_writes(env)
        stock = (
            env["stock.warehouse"]
            .search([("company_id", "=", env.company.id)], limit=1)
            .lot_stock_id
        )
        names = scan_codes(env, product_ids, 4 * scans)
        company = env.company.sudo()
        rounding = company.tax_calculation_rounding_method
        company.tax_calculation_rounding_method = tax_rounding or rounding
        count = env["serial.count"].create({"location_id": stock.id, "name": "bench"})
        partner = env["res.partner"].create({"name": "Bench buyer"})
        # Quotations of ``order_lines`` lines, one per product, as a salesperson
        # builds them (sale.order.line.create): each sell scan adds one on a line.
        lines = [
            (0, 0, {"product_id": product_id, "product_uom_qty": 1})
            for product_id in product_ids[:order_lines]
        ]
        orders = env["sale.order"].create(
            [{"partner_id": partner.id, "order_line": lines}] * 2
        )
        cr.commit()
        results = {flow: ([], []) for flow in FLOWS}
        queries = {flow: ([], []) for flow in FLOWS}
        ours_line_write = []
        for i in range(scans):
            c_a, c_b, s_a, s_b = names[4 * i : 4 * i + 4]
            steps = tuple(
                step
                for step in (
                    ("floor", 0, lambda: floor_scan(env, count)),
                    ("count", 0, lambda c=c_a: count.action_scan(c)),
                    ("count", 1, lambda c=c_b: std_count_scan(env, stock, c)),
                    ("sell", 0, lambda c=s_a: orders[0].action_scan_unit(c)),
                    ("sell", 1, lambda c=s_b: std_sell_scan(env, orders[1], stock, c)),
                )
                if step[0] in flows
            )
            # Each step in turn first: the step right after the sell scans (and
            # their commits) pays more for its first statement, whichever it is.
            shift = i % len(steps)
            for flow, side, step in steps[shift:] + steps[:shift]:
                env.invalidate_all()
                line_write.clear()
                before = cr.sql_log_count
                t = time.perf_counter()
                answer = step()
                cr.commit()
                results[flow][side].append((time.perf_counter() - t) * 1000)
                queries[flow][side].append(cr.sql_log_count - before)
                if flow == "sell" and side == 0:
                    ours_line_write.append(sum(line_write))
                if flow != "floor" and side == 0 and answer["status"] != "ok":
                    raise SystemExit(f"{flow} refused a scan: {answer['message']}")
        count.action_cancel()
        env["stock.quant"].search(
            [("inventory_quantity_set", "=", True)]
        ).action_clear_inventory_quantity()
        orders._action_cancel()
        company.tax_calculation_rounding_method = rounding
        cr.commit()
    print(f"\ntaxes rounded: {tax_rounding or rounding}")
    report_scans(scans, order_lines, results, queries, ours_line_write, flows)


def report_scans(scans, order_lines, results, queries, ours_line_write, flows):
    print(
        f"\nServer time per scan (ms), {scans} scans each, cold cache to commit; "
        f"sell: quotations of {order_lines} lines to start with, the units of each "
        "product in turn"
    )
    print(
        f"{'flow':<6} | {'ours p50':>8} {'p95':>7} {'SQL':>4} | {'std p50':>8} "
        f"{'p95':>7} {'SQL':>4} | {'x p50':>6} {'x p95':>6}"
    )
    floor_50 = statistics.median(results["floor"][0])
    measured = [flow for flow in ("count", "sell") if flow in flows]
    for flow in measured:
        ours, std = results[flow]
        a50, a95 = statistics.median(ours), percentile(ours, 95)
        b50, b95 = statistics.median(std), percentile(std, 95)
        qa, qb = (statistics.median(q) for q in queries[flow])
        verdict = "meets" if a95 < 15 and b50 / a50 >= 3 else "misses"
        print(
            f"{flow:<6} | {a50:8.2f} {a95:7.2f} {qa:4.0f} | {b50:8.2f} {b95:7.2f} "
            f"{qb:4.0f} | {b50 / a50:6.2f} {b95 / a95:6.2f} | {verdict} p95 < 15 ms "
            f"and >= 3x; a scan costing only the floor would be {b50 / floor_50:.2f}x"
        )
    print(
        f"floor  | {floor_50:8.2f} {percentile(results['floor'][0], 95):7.2f} "
        f"{statistics.median(queries['floor'][0]):4.0f} | a no-op scan timed the same "
        "way (cold cache, write access check, one-row write, commit with its fsync)"
    )
    for flow in measured:
        ours, std = (statistics.median(side) - floor_50 for side in results[flow])
        print(
            f"{flow}, above the floor (p50): ours {ours:.2f} ms, std {std:.2f} ms, "
            f"x {std / ours if ours > 0 else float('inf'):.2f}"
        )
    if "sell" not in flows:
        print(f"load {os.getloadavg()}")
        return
    sell = results["sell"][0]
    engine = [total - write for total, write in zip(sell, ours_line_write, strict=True)]
    print(
        f"sell, ours split: Odoo's sale line write (ORM: pricelist, taxes, totals) "
        f"p50 {statistics.median(ours_line_write):.2f} ms; the rest of the scan "
        f"(engine, lookup, checks, hold row, commit) p50 "
        f"{statistics.median(engine):.2f} ms, p95 {percentile(engine, 95):.2f} ms"
    )
    print(f"load {os.getloadavg()}")


def main():
    parser = bench_parser(
        __doc__,
        units=100_000,
        lines=200,
        count_units=5000,
        runs=3,
        scans=1000,
        order_lines=200,
    )
    parser.add_argument(
        "--tax-rounding", choices=("round_globally", "round_per_line"), default=None
    )
    parser.add_argument("--skip-apply", action="store_true")
    parser.add_argument("--skip-scans", action="store_true")
    parser.add_argument(
        "--flows",
        default=",".join(FLOWS[1:]),
        help="the scan flows timed, comma-separated: count, sell (the floor always)",
    )
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    path = addons_path()
    ensure_database(
        args.db, "serial_tracking_count,serial_tracking_sale_scan", path=path
    )
    odoo.tools.config.parse_config(
        [f"--addons-path={path}", "-d", args.db, "--log-level=warn"],
        setup_logging=True,
    )
    registry = Registry(args.db)
    print(f"load at start {os.getloadavg()}", flush=True)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        product_ids = load_units(env, args.units, args.lines).ids
    if not args.skip_apply:
        bench_apply(registry, args.runs, args.count_units)
    if not args.skip_scans:
        bench_scans(
            registry,
            product_ids,
            args.scans,
            args.order_lines,
            args.tax_rounding,
            ("floor", *args.flows.split(",")),
        )


if __name__ == "__main__":
    main()
