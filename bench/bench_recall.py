#!/usr/bin/env python3
"""Benchmark of recalls on a million serial units, ours vs Odoo's standard path.

    python3 bench/bench_recall.py --db st_million [--runs 3] [--quarantine-runs 3]
                                  [--standard-budget 300] [--standard-sample 2000]

* Uses (builds once) the database of ``bench/million_db.py``: 1,000,000 units on 50
  products, ~3,000,000 done move lines, two levels of manufacturing genealogy.
* Three questions, each answered both ways, interleaved (A B A B ...), on a cold
  ORM cache, median of ``--runs``:

  - a batch of 10,000 units;
  - a product over one year of receipts (~100,000 units);
  - a component lot built into 5,000 modules and, through them, 5,000 appliances.

  A = this addon, the split as the recall shows it before anything is written:
      ``serial.recall._serial_recall_split_groups`` (the scope read in the split's
      own pass over ``stock_lot``; for each unit where it is or who has it; units
      counted by position, as the preview shows them, aggregated in SQL).
      ``A rows`` is the same question answered unit by unit, every delivery read
      (``split_sql``, what confirming inserts), fetched into Python.
      The product question is whole days, ``date_from`` 00:00 to the end of
      ``date_to``, as the recall's dates say, on both sides.
  B = Odoo's standard path for the same answer: find the units with the ORM
      (``stock.lot`` / ``stock.move.line`` searches; for the component, the
      traceability report's walk over ``produce_line_ids`` level by level), then
      read each unit's ``quant_ids`` (location, quantity), ``delivery_ids`` and
      ``partner_ids`` (Odoo's delivery search over move lines), 1,000 units a batch.
      Those reads cost the same for every unit: they are timed on the first
      ``--standard-sample`` units found (default 2,000; 0 for all) and scaled to
      all of them; the search itself is timed whole. When one B run takes longer
      than ``--standard-budget`` seconds it is not repeated.
* Then confirming a recall of the batch (lines written, units recalled), and
  quarantining 10,000 held units both ways, each after confirming a recall of them:
  through Odoo transfers (``action_quarantine_move``) and blocked in place
  (``action_quarantine_block``), median of ``--quarantine-runs`` (the transfers
  on ``--move-units`` units and ``--move-runs`` runs at most), and by transfers
  through Odoo's own path (``serial_fast_off``: reserved and validated line by
  line) on ``--odoo-move-units`` units, ``--odoo-move-runs`` runs at most, scaled
  per unit for the ratio. Every run is rolled back. The load average is printed
  with every run.
"""

import os
import statistics
import sys
import time as clock
from datetime import datetime, time, timedelta

from _odoo import bench_parser, environment
from million_db import ensure_million_db


def ours(env, recall):
    """A: the split's groups; the number of units."""
    return recall._serial_recall_split_groups()["total"]


def ours_rows(env, recall):
    """A rows: every unit's row, each delivery read, fetched into Python."""
    from odoo.addons.serial_tracking_recall.tools.recall_sql import split_sql

    recall._serial_recall_flush()
    recall._serial_recall_no_jit()
    rows = env.execute_query(
        split_sql(None, recall.company_id.id, recall._serial_recall_units_sql())
    )
    return len({row[0] for row in rows})


SAMPLE = {"units": 0}
# The quarantine by transfer through Odoo's own path (context serial_fast_off).
ODOO_MOVE = "odoo_quarantine_move"


def standard_split(env, lots):
    """Odoo's reads for each unit; on the first ``--standard-sample`` units only
    (then scaled by the caller: the reads are per unit)."""
    SAMPLE["found"] = len(lots)
    if SAMPLE["units"]:
        lots = lots[: SAMPLE["units"]]
    seen = 0
    for start in range(0, len(lots), 1000):
        batch = lots[start : start + 1000]
        for lot in batch:
            _where = [
                (q.location_id.id, q.quantity)
                for q in lot.quant_ids
                if q.location_id.usage == "internal" and q.quantity > 0
            ]
        batch.mapped("delivery_ids")
        batch.mapped("partner_ids")
        seen += len(batch)
        env.invalidate_all()
    return seen


def standard_batch(env, layout):
    lots = env["stock.lot"].search([("batch_id", "=", layout["batch_ids"][0])])
    return standard_split(env, lots)


def standard_product(env, layout, date_from, date_to):
    lines = env["stock.move.line"].search(
        [
            ("product_id", "=", layout["big_product"]),
            ("state", "=", "done"),
            ("picking_code", "=", "incoming"),
            ("location_id.usage", "=", "supplier"),
            # the recall's whole days (a window of exact times counted 99,974
            # units where the recall, rightly, counted 100,178)
            ("date", ">=", datetime.combine(date_from, time.min)),
            ("date", "<", datetime.combine(date_to + timedelta(days=1), time.min)),
        ]
    )
    return standard_split(env, lines.lot_id)


def standard_component(env, layout):
    MoveLine = env["stock.move.line"]
    found = env["stock.lot"].browse(layout["component_lot"])
    frontier = found
    while frontier:
        lines = MoveLine.search(
            [("lot_id", "in", frontier.ids), ("state", "=", "done")]
        )
        produced = lines.produce_line_ids.filtered(lambda ml: ml.state == "done")
        frontier = produced.lot_id - found
        found |= frontier
    return standard_split(env, found)


def load():
    """The machine's load average (1, 5, 15 minutes), for the report."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def timed(fn):
    start = clock.perf_counter()
    count = fn()
    return clock.perf_counter() - start, count


def timed_standard(fn):
    """B's time for all the units it found, scaled from the sample it read."""
    seconds, read = timed(fn)
    found = SAMPLE["found"]
    return seconds * found / read if read else seconds, found


def report(layout, results):
    print(
        f"\nmillion_db: {layout['units']:,} units, {layout['move_lines']:,} move lines"
    )
    print(
        f"{'question':32} {'units A/B':>15} {'ours (A)':>10} {'A rows':>9}"
        f" {'Odoo (B)':>10} {'B/A':>7} {'B/A rows':>9}"
    )
    for name, (a_times, r_times, b_times, counts) in results.items():
        a, r = statistics.median(a_times), statistics.median(r_times)
        b = statistics.median(b_times)
        found = dict(counts)
        units = f"{found.get('A')}/{found.get('B')}"
        same = len(set(found.values())) == 1
        print(
            f"{name:32} {units:>15} {a:>9.3f}s {r:>8.3f}s {b:>9.2f}s {b / a:>6.0f}x"
            f" {b / r:>8.0f}x   (runs A {len(a_times)}, B {len(b_times)})"
            + ("" if same else f"  UNIT COUNTS DIFFER: {found}")
        )


def main():
    parser = bench_parser(
        __doc__, db="st_million", runs=3, quarantine_runs=3, standard_budget=300.0
    )
    parser.add_argument(
        "--quarantine-units",
        type=int,
        default=10_000,
        help="held units quarantined by each run (the target is for 10,000)",
    )
    parser.add_argument(
        "--move-units",
        type=int,
        default=0,
        help="held units moved by transfer in each run (0: --quarantine-units)",
    )
    parser.add_argument(
        "--move-runs", type=int, default=3, help="runs of the transfer (at most)"
    )
    parser.add_argument(
        "--odoo-move-units",
        type=int,
        default=1000,
        help="held units moved by transfer through Odoo's own path (serial_fast_off)"
        " in each run, scaled per unit (0: not timed)",
    )
    parser.add_argument(
        "--odoo-move-runs", type=int, default=1, help="runs of Odoo's path (at most)"
    )
    parser.add_argument(
        "--standard-sample",
        type=int,
        default=2000,
        help="units whose Odoo reads are timed (0: all); B is scaled to all",
    )
    parser.add_argument(
        "--only",
        default="",
        help="only the questions whose name contains this (e.g. batch, product, "
        "component); skips the confirm and quarantine part, except 'quarantine': "
        "only the quarantine part",
    )
    args = parser.parse_args()
    SAMPLE["units"] = args.standard_sample
    layout = ensure_million_db(args.db)
    from odoo import fields
    from odoo.tools import SQL

    results = {}
    print(f"  load average at the start: {load()}", file=sys.stderr, flush=True)
    with environment(args.db) as env:
        now = fields.Datetime.now()
        date_to = (now - timedelta(days=90)).date()
        date_from = date_to - timedelta(days=365)
        Recall = env["serial.recall"]
        cases = {
            "batch of 10,000": (
                {"batch_ids": layout["batch_ids"][:1]},
                lambda: standard_batch(env, layout),
            ),
            "product, one year of receipts": (
                {
                    "product_ids": [layout["big_product"]],
                    "date_basis": "receipt",
                    "date_from": date_from,
                    "date_to": date_to,
                },
                lambda: standard_product(env, layout, date_from, date_to),
            ),
        }
        if "component_lot_ids" in Recall._fields:
            cases["component lot, 2 levels"] = (
                {"component_lot_ids": [layout["component_lot"]]},
                lambda: standard_component(env, layout),
            )
        cases = {
            name: case
            for name, case in cases.items()
            if args.only in name and args.only != "quarantine"
        }
        for name, (scope, standard) in cases.items():
            recall = Recall.create({"title": f"Bench {name}", **scope})
            a_times, r_times, b_times, counts = [], [], [], set()
            for _run in range(args.runs):
                env.invalidate_all()
                seconds, count = timed(lambda recall=recall: ours(env, recall))
                a_times.append(seconds)
                counts.add(("A", count))
                env.invalidate_all()
                seconds, count = timed(lambda recall=recall: ours_rows(env, recall))
                r_times.append(seconds)
                counts.add(("A rows", count))
                if not b_times or max(b_times) < args.standard_budget:
                    env.invalidate_all()
                    seconds, count = timed_standard(standard)
                    b_times.append(seconds)
                    counts.add(("B", count))
                print(
                    f"  {name}: A {a_times[-1]:.3f} s, A rows {r_times[-1]:.3f} s,"
                    f" B {b_times[-1]:.2f} s, load {load()}",
                    file=sys.stderr,
                    flush=True,
                )
            results[name] = (a_times, r_times, b_times, sorted(counts))
        if args.only and args.only != "quarantine":
            report(layout, results)
            return
        # confirming the batch recall, then quarantining 10,000 held units
        print(f"  load average {load()}", file=sys.stderr, flush=True)
        env.invalidate_all()
        recall = Recall.create(
            {"title": "Bench confirm", "batch_ids": layout["batch_ids"][:1]}
        )
        confirm = timed(lambda: recall.action_confirm() and len(recall.line_ids))
        held = [
            row[0]
            for row in env.execute_query(
                SQL(
                    "SELECT id FROM stock_lot WHERE unit_state = 'in_stock'"
                    " AND product_id = ANY(%s) ORDER BY id LIMIT %s",
                    layout["product_ids"],
                    args.quarantine_units,
                )
            )
        ]
        env.cr.rollback()
        quarantine = {
            "action_quarantine_block": [],
            "action_quarantine_move": [],
            ODOO_MOVE: [],
        }
        units = {"action_quarantine_block": held, "action_quarantine_move": held}
        units["action_quarantine_move"] = held[: args.move_units or len(held)]
        units[ODOO_MOVE] = held[: args.odoo_move_units]
        confirms, moved = {name: [] for name in quarantine}, {}
        for run in range(args.quarantine_runs):
            for method, times in quarantine.items():
                if method == "action_quarantine_move" and run >= args.move_runs:
                    continue
                if method == ODOO_MOVE and run >= args.odoo_move_runs:
                    continue
                lot_ids = units[method]
                env.invalidate_all()
                recall = Recall.create(
                    {"title": "Bench quarantine", "lot_ids": [(6, 0, lot_ids)]}
                )
                confirms[method].append(timed(recall.action_confirm)[0])
                env.invalidate_all()
                start = clock.perf_counter()
                if method == ODOO_MOVE:
                    recall.with_context(serial_fast_off=True).action_quarantine_move()
                else:
                    getattr(recall, method)()
                env.flush_all()
                times.append(clock.perf_counter() - start)
                moved[method] = env.execute_query(
                    SQL(
                        "SELECT COUNT(*) FROM stock_lot WHERE id = ANY(%s)"
                        " AND unit_state = 'quarantined'",
                        lot_ids,
                    )
                )[0][0]
                env.cr.rollback()
                print(
                    f"  {method} of {len(lot_ids):,}: {times[-1]:.1f} s (confirm "
                    f"{confirms[method][-1]:.1f} s), load {load()}",
                    file=sys.stderr,
                    flush=True,
                )

    report(layout, results)
    print(
        f"confirm the batch recall (lines, states, events): {confirm[0]:.2f} s, "
        f"{confirm[1]} lines"
    )
    for method, label in (
        ("action_quarantine_block", "blocked in place"),
        ("action_quarantine_move", "by transfers to quarantine"),
        (ODOO_MOVE, "by transfers, Odoo's own path (serial_fast_off)"),
    ):
        times = quarantine[method]
        if not times:
            continue
        print(
            f"quarantine {len(units[method]):,} held units {label}: "
            f"{statistics.median(times):.1f} s (median of {len(times)}), "
            f"{moved[method]:,} quarantined; confirming their recall first: "
            f"{statistics.median(confirms[method]):.1f} s"
        )
    moves, odoo = quarantine["action_quarantine_move"], quarantine[ODOO_MOVE]
    if moves and odoo:
        count = len(units["action_quarantine_move"])
        odoo_unit = statistics.median(odoo) / len(units[ODOO_MOVE])
        ours_unit = statistics.median(moves) / count
        print(
            f"by transfers, per unit: Odoo's path {odoo_unit * 1000:.1f} ms, ours "
            f"{ours_unit * 1000:.1f} ms: {odoo_unit * count:.0f} s for {count:,} "
            f"units at Odoo's rate, {odoo_unit / ours_unit:.1f}x"
        )
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
