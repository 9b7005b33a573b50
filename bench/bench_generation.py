#!/usr/bin/env python3
"""Benchmark: generate and assign serials on big receipts, ours vs Odoo's standard path.

    python3 bench/bench_generation.py --db st_scheme_bench [--sizes 10000,100000]

For each receipt size (a receipt of one serial product, confirmed, so it has one move
line per unit, as Odoo makes them), it times, interleaved, ``--runs`` times:

- ours_names: ``stock.move.action_serial_generate_from_scheme(create_units=False)``
  (serial scheme ``{product}-{site}{yy}{ww}-{counter:7}{check}``, counters from one
  PostgreSQL query): the same result as Odoo's path, serial numbers on the move lines
  (one UPDATE), units created by Odoo at validation;
- ours_units: the receipt's "Generate Serials" button (``create_units=True``): the
  units are created too (one bulk insert), so they exist before validation;
- odoo: what the "Generate Serials" dialog of the detailed operations does:
  ``stock.move.action_generate_lot_line_vals`` (values) then saving the move's lines
  (delete the lot-less lines, create one per serial); only up to ``--odoo-max`` units,
  as it gets slow (Odoo creates the units themselves later, at validation);
- capture: pasting as many GS1 strings ``(01)<GTIN>(21)<serial>(17)<expiry>(10)<batch>``
  into the capture wizard (every line checked with biip, then units created and
  assigned).

Each path has one receipt, put back to its confirmed state (SQL) before each run.
Each step includes its flush and commit. Peak memory is the process's peak RSS during
the step (Linux ``VmHWM``, reset before each step), plus, with ``--tracemalloc``, the
peak of Python allocations in an extra untimed run. Validation (``button_validate``,
Odoo's own code) is timed once for the receipts of ``--validate-paths`` (first run) for
sizes up to ``--validate-max``.
The database is created with the addons installed when missing; ANALYZE runs after
each setup so timings do not suffer from stale statistics.
"""

import statistics
import time
import tracemalloc

import _odoo

ADDONS = "serial_tracking_capture"


class Bench:
    def __init__(self, registry, args):
        self.registry = registry
        self.args = args
        self.seq = int(time.time()) % 100000

    # ---- fixtures -------------------------------------------------------------------
    def env(self, cr):
        from odoo import SUPERUSER_ID, api

        return api.Environment(cr, SUPERUSER_ID, {})

    def make_receipt(self, size, with_scheme=True):
        """A confirmed receipt of ``size`` units of a new serial product (committed)."""
        self.seq += 1
        code = f"B{self.seq}"
        gtin13 = self.gtin13(self.seq)
        with self.registry.cursor() as cr:
            picking = _odoo.committed_receipt(
                self.env(cr), code, size, scheme=with_scheme, barcode=gtin13
            )
            picking_id = picking.id
        return picking_id, "0" + gtin13

    @staticmethod
    def gtin13(n):
        from stdnum.ean import calc_check_digit

        body = f"20{n:010d}"[-12:]
        return body + calc_check_digit(body)

    def reset_receipt(self, picking_id):
        """Back to the confirmed receipt: no serial on its lines. The units made by the
        previous run stay (deleting them means a scan of stock_move_line per unit:
        Odoo 19 has no index on stock_move_line.lot_id); every run uses new serials."""
        with self.registry.cursor() as cr:
            cr.execute(
                "UPDATE stock_move_line SET lot_id = NULL, lot_name = NULL "
                "WHERE picking_id = %s",
                [picking_id],
            )
            cr.commit()
        self.analyze()

    def analyze(self):
        with self.registry.cursor() as cr:
            _odoo.analyze_receipt_tables(cr)

    # ---- the measured steps ---------------------------------------------------------
    def measure(self, func):
        _odoo.reset_peak_rss()
        if self.args.tracemalloc_run:
            tracemalloc.start()
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
        py_peak = None
        if self.args.tracemalloc_run:
            py_peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        return elapsed, _odoo.peak_rss_mib(), py_peak

    def ours_units(self, picking_id, _gtin):
        return self._ours(picking_id, create_units=True)

    def ours_names(self, picking_id, _gtin):
        return self._ours(picking_id, create_units=False)

    def _ours(self, picking_id, create_units):
        def run():
            with self.registry.cursor() as cr:
                env = self.env(cr)
                moves = env["stock.picking"].browse(picking_id).move_ids
                moves.action_serial_generate_from_scheme(create_units=create_units)
                env.flush_all()
                cr.commit()

        return self.measure(run)

    def odoo(self, picking_id, _gtin):
        def run():
            with self.registry.cursor() as cr:
                env = self.env(cr)
                _odoo.odoo_generate(env, env["stock.picking"].browse(picking_id))
                env.flush_all()
                cr.commit()

        return self.measure(run)

    def capture(self, picking_id, gtin):
        self.seq += 1
        token = f"{picking_id}R{self.seq}"

        def run():
            text = "\n".join(
                f"(01){gtin}(21)S{token}X{i:07d}(17)301231(10)L{i // 5000}"
                for i in range(size)
            )
            with self.registry.cursor() as cr:
                env = self.env(cr)
                picking = env["stock.picking"].browse(picking_id)
                wizard = env["serial.capture"].create(
                    {
                        "picking_id": picking_id,
                        "move_id": picking.move_ids.id,
                        "text": text,
                    }
                )
                result = wizard.action_confirm()
                assert result.get("type") == "ir.actions.act_window_close", (
                    wizard.report
                )
                env.flush_all()
                cr.commit()

        with self.registry.cursor() as cr:
            size = int(
                self.env(cr)["stock.picking"].browse(picking_id).move_ids.product_qty
            )
        return self.measure(run)

    def validate(self, picking_id):
        def run():
            with self.registry.cursor() as cr:
                env = self.env(cr)
                picking = env["stock.picking"].browse(picking_id)
                picking.move_ids.picked = True
                result = picking.with_context(skip_sms=True).button_validate()
                assert result is True, result
                assert picking.state == "done"
                env.flush_all()
                cr.commit()

        self.analyze()
        return self.measure(run)

    def check_assigned(self, picking_id):
        with self.registry.cursor() as cr:
            env = self.env(cr)
            picking = env["stock.picking"].browse(picking_id)
            lines = picking.move_line_ids
            size = int(picking.move_ids.product_qty)
            named = len(set(lines.mapped(lambda l: l.lot_id.name or l.lot_name)))
            assert named == size == len(lines), (named, size, len(lines))


def fmt(seconds):
    return "-" if seconds is None else f"{seconds:.2f} s"


def main():
    parser = _odoo.bench_parser(
        __doc__, runs=3, odoo_max=10000, validate_max=10000, capture_max=100000
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--addons-path", default=None)
    parser.add_argument("--paths", default="ours_names,ours_units,odoo,capture")
    parser.add_argument(
        "--validate-paths",
        default="ours_units,odoo",
        help="ours_names leaves the receipt as Odoo's path does (names on the lines, "
        "units made at validation)",
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="extra untimed run under tracemalloc"
    )
    args = parser.parse_args()
    args.tracemalloc_run = False
    path = args.addons_path or _odoo.addons_path()
    _odoo.ensure_database(args.db, ADDONS, path=path)

    import odoo.service.server
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config([f"--addons-path={path}", "-d", args.db, "--log-level=warn"])
    odoo.service.server.load_server_wide_modules()
    registry = Registry(args.db)
    bench = Bench(registry, args)
    sizes = [int(s) for s in args.sizes.split(",")]
    # Warm-up (untimed): load every code path and cache once.
    for path in args.paths.split(","):
        getattr(bench, path)(*bench.make_receipt(20))
    results = {}  # (size, path) -> list of (seconds, rss, py)
    validations = {}
    for size in sizes:
        wanted = args.paths.split(",")
        paths = [p for p in ("ours_names", "ours_units") if p in wanted]
        if size <= args.odoo_max and "odoo" in wanted:
            paths.append("odoo")
        if size <= args.capture_max and "capture" in wanted:
            paths.append("capture")
        # One receipt per path, put back as confirmed (no serials) before each run:
        # confirming a 100,000-unit receipt takes minutes of Odoo's own code.
        receipts = {path: bench.make_receipt(size) for path in paths}
        for run in range(args.runs):
            for path in paths:
                picking_id, gtin = receipts[path]
                if run:
                    bench.reset_receipt(picking_id)
                seconds, rss, py = getattr(bench, path)(picking_id, gtin)
                bench.check_assigned(picking_id)
                results.setdefault((size, path), []).append((seconds, rss, py))
                print(
                    f"size {size:>7} run {run + 1} {path:<8} {seconds:8.2f} s"
                    f"  peak RSS {rss:7.0f} MiB",
                    flush=True,
                )
                if (
                    run == args.runs - 1
                    and size <= args.validate_max
                    and path in args.validate_paths.split(",")
                ):
                    v_seconds, v_rss, _py = bench.validate(picking_id)
                    validations[(size, path)] = (v_seconds, v_rss)
                    print(
                        f"size {size:>7} validate {path:<8} {v_seconds:8.2f} s"
                        f"  peak RSS {v_rss:7.0f} MiB",
                        flush=True,
                    )
        if args.tracemalloc:
            args.tracemalloc_run = True
            for path in paths:
                picking_id, gtin = bench.make_receipt(size)
                _s, _r, py = getattr(bench, path)(picking_id, gtin)
                results[(size, path, "py")] = py
                print(f"size {size:>7} {path:<8} Python peak {py:7.0f} MiB", flush=True)
            args.tracemalloc_run = False

    report(sizes, results, validations, args)


def report(sizes, results, validations, args):
    print()
    print(
        "| units | path | median (s) | runs (s) | per unit (ms) | peak RSS (MiB) "
        "| Python peak (MiB) | validation (s) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for size in sizes:
        for path in ("ours_names", "ours_units", "odoo", "capture"):
            runs = results.get((size, path))
            if not runs:
                continue
            median = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            py = results.get((size, path, "py"))
            validation = validations.get((size, path))
            print(
                f"| {size} | {path} | {median:.2f} | "
                f"{', '.join(f'{r[0]:.2f}' for r in runs)} | "
                f"{median / size * 1000:.3f} | "
                f"{rss:.0f} | {'-' if py is None else f'{py:.0f}'} | "
                f"{'-' if not validation else f'{validation[0]:.1f}'} |"
            )
    print()
    for size in sizes:
        for ours_path in ("ours_names", "ours_units"):
            ratio_line(size, ours_path, sizes, results, args)


def ratio_line(size, ours_path, sizes, results, args):
    ours = results.get((size, ours_path))
    if not ours:
        return
    ours_median = statistics.median(r[0] for r in ours)
    odoo_runs = results.get((size, "odoo"))
    if odoo_runs:
        ratio = statistics.median(r[0] for r in odoo_runs) / ours_median
        print(f"{size} units: {ours_path} is {ratio:.1f}x faster than Odoo's path")
        return
    measured = [s for s in sizes if (s, "odoo") in results]
    if not measured:
        return
    ref = max(measured)
    per_unit = statistics.median(r[0] for r in results[(ref, "odoo")]) / ref
    est = per_unit * size
    print(
        f"{size} units: Odoo's path not measured (> --odoo-max {args.odoo_max}); "
        f"linear extrapolation of {ref}: ~{est:.0f} s ({per_unit * 1000:.2f} ms/unit), "
        f"{ours_path} {ours_median:.2f} s, ~{est / ours_median:.0f}x"
    )


if __name__ == "__main__":
    main()
