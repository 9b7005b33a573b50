"""Shared plumbing of the benchmarks: find Odoo, create a database, open an environment.

Benchmarks run against a local PostgreSQL (libpq's PG* settings apply) and create their
own databases with ``odoo -i``; they never touch the demo or test databases.
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tools import config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bench_parser(doc, db=None, **numbers):
    """The command line of a bench script: described by the first paragraph of its
    docstring ``doc``, ``--db`` (required, unless ``db`` names a default) and one
    option per keyword of ``numbers`` (``--per-line`` for ``per_line``), of the
    type of its default. The script adds its other options."""
    parser = argparse.ArgumentParser(description=doc.strip().split("\n\n")[0])
    if db:
        parser.add_argument("--db", default=db)
    else:
        parser.add_argument("--db", required=True)
    for name, default in numbers.items():
        option = "--" + name.replace("_", "-")
        parser.add_argument(option, type=type(default), default=default)
    return parser


def addons_path():
    odoo_root = os.path.dirname(next(iter(odoo.__path__)))
    paths = [REPO]
    if os.path.isdir(os.path.join(odoo_root, "addons", "stock")):
        paths.append(os.path.join(odoo_root, "addons"))
    return ",".join(paths)


def setup_odoo(path=None, db=None):
    """Odoo's configuration for a benchmark: addons ``path`` (default: this
    repository's and Odoo's), database ``db`` if given, libpq's PG* settings."""
    args = [f"--addons-path={path or addons_path()}", "--log-level=warn"]
    if db:
        args += ["-d", db]
    for env_name, option in (
        ("PGHOST", "db_host"),
        ("PGPORT", "db_port"),
        ("PGUSER", "db_user"),
        ("PGPASSWORD", "db_password"),
    ):
        if os.environ.get(env_name):
            args.append(f"--{option.replace('_', '-')}={os.environ[env_name]}")
    config.parse_config(args, setup_logging=True)


def psql(query, db="postgres"):
    """The words of what ``query`` prints, run by ``psql`` on database ``db``."""
    return subprocess.run(
        ["psql", "-d", db, "-Atqc", query], capture_output=True, text=True, check=True
    ).stdout.split()


def ensure_database(name, modules, reset=False, path=None):
    """Create database ``name`` with ``modules`` (no demo data) unless present."""
    exists = psql(f"select datname from pg_database where datname='{name}'")
    if name in exists and not reset:
        return
    subprocess.run(["dropdb", "--if-exists", name], check=True)
    print(f"creating database {name} with {modules} ...", file=sys.stderr, flush=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={path or addons_path()}",
            "-d",
            name,
            "-i",
            modules,
            "--without-demo=True",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


@contextlib.contextmanager
def environment(dbname, commit=False):
    """A superuser environment on ``dbname``, rolled back unless ``commit``."""
    registry = Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        try:
            yield env
        finally:
            if commit:
                cr.commit()
            else:
                cr.rollback()


# The serial scheme of the generation benchmarks (serial_tracking_scheme).
SCHEME_PATTERN = "{product}-{site}{yy}{ww}-{counter:7}{check}"


def serial_product(env, code, scheme=False, **values):
    """A new storable product tracked by serial, internal reference ``code``
    (``values``: more fields, e.g. its ``barcode``); with ``scheme``, a serial scheme
    of :data:`SCHEME_PATTERN` for it."""
    product = env["product.product"].create(
        {
            "name": f"Bench product {code}",
            "default_code": code,
            "is_storable": True,
            "tracking": "serial",
            **values,
        }
    )
    if scheme:
        env["serial.scheme"].create(
            {"name": code, "pattern": SCHEME_PATTERN, "product_id": product.id}
        )
    return product


def warehouse_of(env, company=None):
    """The first warehouse of ``company`` (default: the environment's company)."""
    company = company or env.company
    return env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)


def confirmed_receipt(env, product, quantity):
    """A confirmed receipt of ``quantity`` units of ``product`` from a vendor into the
    company's first warehouse: Odoo gives a serial product one move line per unit."""
    warehouse = warehouse_of(env)
    supplier = env.ref("stock.stock_location_suppliers")
    picking = env["stock.picking"].create(
        {
            "picking_type_id": warehouse.in_type_id.id,
            "location_id": supplier.id,
            "location_dest_id": warehouse.lot_stock_id.id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "location_id": supplier.id,
                        "location_dest_id": warehouse.lot_stock_id.id,
                    }
                )
            ],
        }
    )
    picking.action_confirm()
    return picking


def analyze_receipt_tables(cr):
    """Fresh planner statistics of the tables a receipt writes (autovacuum may be
    off): a measured step after a big setup otherwise plans on stale counts."""
    cr.execute("ANALYZE stock_lot, stock_move_line, stock_move, stock_quant")


def committed_receipt(env, code, quantity, scheme=False, **values):
    """:func:`confirmed_receipt` of ``quantity`` units of a new
    :func:`serial_product` (``code``, ``scheme``, ``values``), committed and its
    tables analysed: the receipt as a user's earlier request left it."""
    product = serial_product(env, code, scheme=scheme, **values)
    picking = confirmed_receipt(env, product, quantity)
    env.cr.commit()
    analyze_receipt_tables(env.cr)
    return picking


@contextlib.contextmanager
def timer(results, key):
    start = time.perf_counter()
    yield
    results.setdefault(key, []).append(time.perf_counter() - start)


def median(values):
    return statistics.median(values)


def reset_peak_rss():
    """Reset the process's peak resident memory (Linux), before a measured step."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mib():
    """Peak resident memory of this process since the last reset, in MiB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def odoo_generate(env, picking):
    """Odoo's own "Generate Serials" dialog on the receipt's one move: the
    standard path the benchmarks compare against."""
    from odoo.addons.serial_tracking_scheme.tests.common import (
        generate_dialog_context,
    )

    move = picking.move_ids
    vals_list = env["stock.move"].action_generate_lot_line_vals(
        generate_dialog_context(move),
        "generate",
        f"SN{picking.id}-0000001",
        int(move.product_qty),
        False,
    )
    line_fields = env["stock.move.line"]._fields
    commands = [Command.delete(line.id) for line in move.move_line_ids]
    commands += [
        Command.create(
            {
                key: (value["id"] if isinstance(value, dict) else value)
                for key, value in vals.items()
                if key in line_fields
            }
        )
        for vals in vals_list
    ]
    move.write({"move_line_ids": commands})
