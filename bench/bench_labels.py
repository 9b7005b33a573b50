"""Serial labels (serial_tracking_label) against Odoo's own lot labels, same units.

* PDF: N labels (default 1,000) as an A4 sheet, Code 128 of the serial:
  ``serial_tracking_label`` 3 x 7 sheet (barcodes embedded as SVG data URIs) against
  ``stock.action_report_lot_label`` (4 x 12 sheet, one ``/report/barcode`` image request
  per label). With ``--gs1`` also GS1 DataMatrix against Odoo's DataMatrix variant.
* ZPL: M labels (default 10,000), Code 128, 50 x 25 mm roll against
  ``stock.label_lot_template`` (qweb-text).

How PDFs are rendered: exactly as in production. wkhtmltopdf loads the report's CSS, and
Odoo's labels their barcode images, over HTTP, so the script starts an Odoo HTTP server
on the same database (``--http-port``, threaded, no cron) and points ``report.url`` at
it; both sides then run the same code path (``_render_qweb_pdf``) in this process with
the server answering wkhtmltopdf. Odoo's default ``report.print_delay`` (1 s of
JavaScript delay per wkhtmltopdf call) is left on for both sides.

Runs alternate ours / Odoo's (A B A B ...) after one untimed warm-up each; the ORM
cache is cleared before each run (cold data, compiled templates, like a new request);
the medians and their ratio are printed.

    python3 bench/bench_labels.py [--db st_label_bench] [--pdf-labels 1000]
        [--zpl-labels 10000] [--runs 3] [--zpl-runs 7] [--gs1] [--reset]
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

from _odoo import (
    addons_path,
    bench_parser,
    ensure_database,
    environment,
    median,
    setup_odoo,
)

PRODUCT_CODE = "BENCH-LABEL"
OURS_PDF = "serial_tracking_label.action_report_serial_label_a4_3x7"
OURS_ZPL = "serial_tracking_label.action_report_serial_label_zpl"
ODOO_PDF = "stock.action_report_lot_label"
ODOO_ZPL = "stock.label_lot_template"


def prepare_units(env, count):
    """``count`` serial units of one product with a GTIN, a batch and an expiry."""
    Product = env["product.product"]
    product = Product.search([("default_code", "=", PRODUCT_CODE)], limit=1)
    if not product:
        product = Product.create(
            {
                "name": "Bench label unit",
                "default_code": PRODUCT_CODE,
                "barcode": "8712345000035",
                "is_storable": True,
                "tracking": "serial",
            }
        )
    Lot = env["stock.lot"]
    lots = Lot.search([("product_id", "=", product.id)], order="id")
    if len(lots) < count:
        batch = env["serial.batch"].search(
            [("product_id", "=", product.id)], limit=1
        ) or env["serial.batch"].create(
            {
                "name": "BATCH-01",
                "product_id": product.id,
                "expiration_date": "2027-03-31 12:00:00",
            }
        )
        start = len(lots)
        print(f"creating {count - start} units ...", file=sys.stderr, flush=True)
        lots |= Lot.create(
            [
                {"name": f"BL-{i:06d}", "product_id": product.id, "batch_id": batch.id}
                for i in range(start, count)
            ]
        )
    return lots[:count]


@contextlib.contextmanager
def http_server(db, port):
    """An Odoo HTTP server on ``db`` for wkhtmltopdf's requests (CSS, barcodes)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={addons_path()}",
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/web/login"
        for _attempt in range(120):
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(url, timeout=5),
            ):
                break
            time.sleep(0.5)
        else:
            raise RuntimeError("the Odoo HTTP server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def set_gs1_group(env, user, enabled):
    """Odoo's lot labels print a DataMatrix when the user has this group, else
    Code 128."""
    group = env.ref("stock.group_stock_lot_print_gs1")
    has = group in user.group_ids
    if enabled and not has:
        user.group_ids = [(4, group.id)]
    elif not enabled and has:
        user.group_ids = [(3, group.id)]


def timed(env, func):
    env.invalidate_all()  # cold data, warm templates: like a new request
    start = time.perf_counter()
    output = func()
    return time.perf_counter() - start, output


def compare(env, name, ours, odoo_side, runs):
    """Run A B A B ... and return a result row."""
    times = {"ours": [], "odoo": []}
    sizes = {}
    for func in (ours, odoo_side):  # warm-up (asset bundles, templates), not timed
        func()
    for _run in range(runs):
        for side, func in (("ours", ours), ("odoo", odoo_side)):
            seconds, output = timed(env, func)
            times[side].append(seconds)
            sizes[side] = len(output)
            print(f"  {name} {side}: {seconds:.2f} s", file=sys.stderr, flush=True)
    ours_median, odoo_median = median(times["ours"]), median(times["odoo"])
    return {
        "name": name,
        "ours": ours_median,
        "odoo": odoo_median,
        "ratio": odoo_median / ours_median,
        "ours_runs": times["ours"],
        "odoo_runs": times["odoo"],
        "sizes": sizes,
    }


def main():
    parser = bench_parser(
        __doc__, db="st_label_bench", pdf_labels=1000, zpl_labels=10_000, runs=3
    )
    parser.add_argument("--zpl-runs", type=int, default=7, help="ZPL is quick: more")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8189")))
    parser.add_argument("--gs1", action="store_true", help="also GS1 DataMatrix PDFs")
    parser.add_argument("--reset", action="store_true", help="recreate the database")
    args = parser.parse_args()
    # Stop the HTTP server we started when killed, too.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(1))

    setup_odoo()
    ensure_database(args.db, "serial_tracking_label", reset=args.reset)
    with environment(args.db, commit=True) as env:
        prepare_units(env, max(args.pdf_labels, args.zpl_labels))
        env.cr.execute("ANALYZE stock_lot")

    rows = []
    with http_server(args.db, args.port) as url:
        with environment(args.db, commit=True) as env:
            env["ir.config_parameter"].set_param("report.url", url)
        with environment(args.db) as env:
            admin = env.ref("base.user_admin")
            env = env(user=admin)
            set_gs1_group(env, admin, False)
            env.cr.commit()  # the HTTP server must see the same settings
            Report = env["ir.actions.report"]
            lots = prepare_units(env, max(args.pdf_labels, args.zpl_labels))
            pdf_ids = lots[: args.pdf_labels].ids
            zpl_ids = lots[: args.zpl_labels].ids

            def renderer(render_method):
                """What renders ``report`` on ``ids`` (with ``data`` for ours)."""

                def make(report, ids, **data):
                    def render():
                        return render_method(
                            report, ids, data=dict(data, lot_ids=ids) if data else None
                        )[0]

                    return render

                return make

            pdf = renderer(Report._render_qweb_pdf)
            zpl = renderer(Report._render_qweb_text)

            rows.append(
                compare(
                    env,
                    f"PDF {len(pdf_ids)} labels, Code 128 (A4 sheet)",
                    pdf(OURS_PDF, pdf_ids, layout="a4_3x7", symbology="code128"),
                    pdf(ODOO_PDF, pdf_ids),
                    args.runs,
                )
            )
            rows.append(
                compare(
                    env,
                    f"ZPL {len(zpl_ids)} labels, Code 128",
                    zpl(OURS_ZPL, zpl_ids, layout="roll_50x25", symbology="code128"),
                    zpl(ODOO_ZPL, zpl_ids),
                    args.zpl_runs,
                )
            )
            if args.gs1:
                set_gs1_group(env, admin, True)
                env.cr.commit()
                rows.append(
                    compare(
                        env,
                        f"PDF {len(pdf_ids)} labels, GS1 DataMatrix (A4 sheet)",
                        pdf(
                            OURS_PDF,
                            pdf_ids,
                            layout="a4_3x7",
                            symbology="gs1_datamatrix",
                        ),
                        pdf(ODOO_PDF, pdf_ids),
                        args.runs,
                    )
                )
                set_gs1_group(env, admin, False)
                env.cr.commit()

    print()
    print(
        f"Serial labels vs Odoo lot labels, medians of {args.runs} PDF and "
        f"{args.zpl_runs} ZPL runs (A B A B):"
    )
    print()
    print("| case | serial_tracking_label | Odoo lot labels | Odoo / ours |")
    print("|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['name']} | {row['ours']:.2f} s | {row['odoo']:.2f} s "
            f"| {row['ratio']:.2f}x |"
        )
    print()
    for row in rows:
        print(
            f"{row['name']}: ours {[round(t, 2) for t in row['ours_runs']]} s, "
            f"Odoo {[round(t, 2) for t in row['odoo_runs']]} s, output bytes "
            f"{row['sizes']}"
        )


if __name__ == "__main__":
    main()
