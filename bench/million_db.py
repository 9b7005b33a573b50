#!/usr/bin/env python3
"""A database with a million serial units, for the benchmarks that need scale.

    python3 bench/million_db.py --db st_million [--units 1000000] [--products 50]
                                [--reset] [--info]

    from million_db import ensure_million_db, million_layout
    layout = ensure_million_db("st_million")       # builds once, then reuses

* Creates ``--db`` with **every addon of this repository** installed (like
  ``bin/test``), no demo data, then loads by bulk SQL (a few minutes on 2 cores):

  - ``--products`` storable products tracked by serial (``BMU-00`` ...), standard
    costs, sale prices, every fifth one valuated by lot/serial (``lot_valuated``);
    product 0 holds a fifth of the units (``layout["big_product"]``, receipts spread
    evenly over two years: about 100,000 units a year), the others share the rest;
    one lot-tracked component (``BMC-LOT``);
  - two warehouses, two shelves each, 2,000 customers, 20 vendors;
  - ``--units`` serial units (``stock.lot``) in batches (``serial.batch``) of 10,000
    per product, each with a receipt, a put-away, and for about 85 % a delivery; about
    8.5 % came back (customer return), half of those went out again; about 1 % of the
    held units are reserved on open deliveries;
  - manufacturing genealogy over two levels: one component lot (``layout
    ["component_lot"]``) consumed in 50 manufacturing orders making 5,000 serial
    modules, each module consumed in the MOs making 5,000 serial appliances (Odoo's
    ``stock.move.line`` produced/consumed links, ``stock_move_line_consume_rel``);
  - done move lines (about 3,000,000), moves and transfers grouped the way Odoo groups
    them, quants (at shelves for held units, at the customer location for delivered
    ones, at production for consumed ones), stock values on moves and lots, the
    units' states, holders, dates and last deliveries as the core addon derives
    them, and their timeline (``serial.event``, one per done line);
  - then ``VACUUM ANALYZE`` (statistics, and the visibility map index-only scans
    need: a database loaded by bulk SQL has none). A layout record
    (``ir.config_parameter`` ``bench.million_db.layout``, JSON) tells later scripts
    what is where.

* Reuse: if the database already holds a layout of the same size it is kept; addons
  of the repository not installed yet are installed (``-i``). ``--reset`` rebuilds.
  Benchmarks that change data should work inside a transaction they roll back.

Not generated: Odoo's negative quants at the vendor location, accounting entries,
sale orders (the sale bridge values deliveries without an order at the list price).
"""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _odoo import (
    REPO,
    addons_path,
    bench_parser,
    environment,
    psql,
    setup_odoo,
    warehouse_of,
)

LAYOUT_KEY = "bench.million_db.layout"
LAYOUT_VERSION = 1
BATCH_SIZE = 10_000
CUSTOMERS = 2_000
VENDORS = 20
GENEALOGY_UNITS = 5_000
MO_SIZE = 100


def repo_addons():
    """Every addon of the repository, as ``bin/test`` installs them."""
    return sorted(
        name
        for name in os.listdir(REPO)
        if os.path.isfile(os.path.join(REPO, name, "__manifest__.py"))
    )


def _odoo_modules(dbname, option, modules):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={addons_path()}",
            "-d",
            dbname,
            option,
            ",".join(modules),
            "--without-demo=True",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def _log(message, start=None):
    if start is not None:
        message += f" ({time.perf_counter() - start:.1f} s)"
    print(f"[million_db] {message}", file=sys.stderr, flush=True)


def million_layout(env):
    """The layout of a million database (dict), or None if it holds none."""
    value = env["ir.config_parameter"].sudo().get_param(LAYOUT_KEY)
    return json.loads(value) if value else None


def ensure_million_db(dbname, units=1_000_000, products=50, reset=False):
    """Build ``dbname`` once (see the module's docstring) and return its layout.

    Reused as it is when it already holds a layout of ``units`` units on ``products``
    products (missing repository addons are installed first)."""
    t0 = time.perf_counter()
    setup_odoo()
    exists = dbname in psql(f"select datname from pg_database where datname='{dbname}'")
    if exists and not reset:
        installed = set(
            psql("select name from ir_module_module where state='installed'", db=dbname)
        )
        layout_rows = psql(
            f"select value from ir_config_parameter where key='{LAYOUT_KEY}'", db=dbname
        )
        layout = json.loads(" ".join(layout_rows)) if layout_rows else None
        if (
            layout
            and layout.get("version") == LAYOUT_VERSION
            and layout.get("units") == units
            and layout.get("products") == products
        ):
            missing = [name for name in repo_addons() if name not in installed]
            if missing:
                _log(f"installing {', '.join(missing)} into {dbname}")
                _odoo_modules(dbname, "-i", missing)
            _log(f"reusing {dbname}: {units:,} units", t0)
            return layout
        if layout or "stock" in installed:
            sys.exit(
                f"Database {dbname} holds another layout: use --reset or another name."
            )
    if exists:
        subprocess.run(["dropdb", dbname], check=True)
    _log(f"creating {dbname} with {', '.join(repo_addons())}")
    _odoo_modules(dbname, "-i", repo_addons())
    _log("addons installed", t0)
    with environment(dbname, commit=True) as env:
        layout = _load(env, units, products)
    _log("VACUUM ANALYZE")
    subprocess.run(["psql", "-d", dbname, "-qc", "VACUUM ANALYZE"], check=True)
    _log(f"{dbname} ready: {units:,} units", t0)
    return layout


# ---- ORM part: the few master records --------------------------------------------


def _master_data(env, products):
    company = env.company
    wh1 = warehouse_of(env, company)
    wh2 = env["stock.warehouse"].create({"name": "Bench Warehouse 2", "code": "BW2"})
    shelves = {}
    for wh in (wh1, wh2):
        shelves[wh.id] = (
            env["stock.location"]
            .create(
                [
                    {"name": f"Shelf {letter}", "location_id": wh.lot_stock_id.id}
                    for letter in "AB"
                ]
            )
            .ids
        )
    vals = []
    for i in range(products):
        vals.append(
            {
                "name": f"Bench Unit {i:02d}",
                "default_code": f"BMU-{i:02d}",
                "is_storable": True,
                "tracking": "serial",
                "standard_price": 10.0 + 5 * i,
                "list_price": 25.0 + 9 * i,
                "lot_valuated": i % 5 == 0,
            }
        )
    vals.append(
        {
            "name": "Bench Component Board",
            "default_code": "BMC-LOT",
            "is_storable": True,
            "tracking": "lot",
            "standard_price": 2.5,
            "list_price": 4.0,
        }
    )
    product_records = env["product.product"].create(vals)
    customers = env["res.partner"].create(
        [
            {
                "name": f"Bench Customer {i:04d}",
                "is_company": True,
                "email": f"customer{i:04d}@example.com",
                "street": f"{i} Bench Street",
                "city": "Benchville",
            }
            for i in range(CUSTOMERS)
        ]
    )
    vendors = env["res.partner"].create(
        [{"name": f"Bench Vendor {i:02d}", "is_company": True} for i in range(VENDORS)]
    )
    env.flush_all()
    return {
        "company": company.id,
        "warehouses": [wh1.id, wh2.id],
        "stock_locations": [wh1.lot_stock_id.id, wh2.lot_stock_id.id],
        "shelves": [shelves[wh1.id], shelves[wh2.id]],
        "in_types": [wh1.in_type_id.id, wh2.in_type_id.id],
        "out_types": [wh1.out_type_id.id, wh2.out_type_id.id],
        "int_types": [wh1.int_type_id.id, wh2.int_type_id.id],
        "mo_type": env["stock.picking.type"]
        .search([("code", "=", "mrp_operation"), ("warehouse_id", "=", wh1.id)])
        .id,
        "product_ids": product_records[:products].ids,
        "component": product_records[products].id,
        "customers": customers.ids,
        "vendors": vendors.ids,
        "supplier_loc": env.ref("stock.stock_location_suppliers").id,
        "customer_loc": env.ref("stock.stock_location_customers").id,
        "production_loc": env["stock.location"]
        .search(
            [("usage", "=", "production"), ("company_id", "in", (company.id, False))],
            limit=1,
        )
        .id,
        "uom": env.ref("uom.product_uom_unit").id,
        "uid": env.uid,
    }


# ---- SQL part ---------------------------------------------------------------------


def _columns(env, table):
    return {
        row[0]
        for row in env.execute_query(
            _sql(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s",
                table,
            )
        )
    }


def _sql(query, *args, **kwargs):
    from odoo.tools import SQL

    return SQL(query, *args, **kwargs)


def _insert(env, table, select_sql, values):
    """``INSERT INTO table (cols) SELECT ... FROM select_sql``: ``values`` maps column
    to an SQL expression over ``select_sql``'s row ``s``; columns the database does
    not have (an addon not installed) are left out."""
    from odoo.tools import SQL

    have = _columns(env, table)
    cols = [col for col in values if col in have]
    env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM (%s) s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(col) for col in cols),
            SQL(", ").join(
                values[col] if isinstance(values[col], SQL) else SQL(values[col])
                for col in cols
            ),
            select_sql,
        )
    )
    return env.cr.rowcount


AUDIT = {
    "create_uid": "s.uid",
    "write_uid": "s.uid",
    "create_date": "now() at time zone 'UTC'",
    "write_date": "now() at time zone 'UTC'",
}


def _load(env, units, products):
    t = time.perf_counter()
    m = _master_data(env, products)
    _log("master data", t)
    cr = env.cr
    # Rows are consistent by construction: skip the foreign key triggers (superuser;
    # back to normal at the end of the transaction).
    cr.execute(_sql("SET LOCAL session_replication_role = replica"))
    big = units // 5 if products > 1 else units
    rest = units - big
    counts = [big] + [
        rest // (products - 1) + (1 if i < rest % (products - 1) else 0)
        for i in range(products - 1)
    ]
    offsets = [sum(counts[:i]) for i in range(products)]
    module_idx, appliance_idx = products - 2, products - 1
    params = {
        "uid": m["uid"],
        "company": m["company"],
        "pids": m["product_ids"],
        "counts": counts,
        "offsets": offsets,
        "wh": m["warehouses"],
        "stock": m["stock_locations"],
        "shelf_a": [s[0] for s in m["shelves"]],
        "shelf_b": [s[1] for s in m["shelves"]],
        "customers": m["customers"],
        "vendors": m["vendors"],
        "ncust": len(m["customers"]),
        "module_idx": module_idx,
        "appliance_idx": appliance_idx,
        "gen": GENEALOGY_UNITS,
    }

    def run(query, **extra):
        cr.execute(_sql(query, **{**params, **extra}))
        return cr.rowcount

    # -- units: one row per serial, every decision derived from a hash of its number
    t = time.perf_counter()
    run(
        """
        CREATE TEMP TABLE bu AS
        SELECT n, pidx, product_id, seq, cnt, h,
               nextval('stock_lot_id_seq')::int AS lot_id,
               (h %% 10 >= 7)::int + 1 AS wh,
               CASE WHEN pidx = %(module_idx)s AND seq < %(gen)s THEN 'module'
                    WHEN pidx = %(appliance_idx)s AND seq < %(gen)s THEN 'appliance'
                    ELSE '' END AS role,
               (now() at time zone 'UTC') - interval '820 days'
                   + (seq::float / cnt) * interval '730 days' AS receipt_dt
          FROM (
            SELECT (off + seq) AS n, pidx - 1 AS pidx, product_id, seq, cnt,
                   (((off + seq)::bigint * 2654435761) %% 4294967291) AS h
              FROM unnest(%(pids)s::int[], %(counts)s::int[], %(offsets)s::int[])
                   WITH ORDINALITY AS p(product_id, cnt, off, pidx),
                   generate_series(0, cnt - 1) AS seq
          ) x
        """
    )
    run(
        """
        ALTER TABLE bu ADD COLUMN delivered bool, ADD COLUMN returned bool,
            ADD COLUMN redelivered bool, ADD COLUMN open_out bool,
            ADD COLUMN customer int, ADD COLUMN customer2 int;
        UPDATE bu SET
            delivered = role != 'module' AND (h / 7) %% 100 < 85,
            customer = (%(customers)s::int[])[1 + (h / 11) %% %(ncust)s],
            customer2 = (%(customers)s::int[])[1 + (h / 13) %% %(ncust)s];
        UPDATE bu SET returned = delivered AND (h / 17) %% 100 < 10;
        UPDATE bu SET redelivered = returned AND (h / 19) %% 2 = 0;
        UPDATE bu SET open_out = role != 'module' AND NOT delivered
                                 AND (h / 23) %% 100 < 1;
        CREATE INDEX ON bu (pidx, seq);
        """
    )
    _log(f"{units:,} units planned", t)

    # -- batches and lots
    t = time.perf_counter()
    run(
        """
        CREATE TEMP TABLE bb AS
        SELECT nextval('serial_batch_id_seq')::int AS id, pidx, product_id, k
          FROM (SELECT DISTINCT pidx, product_id, seq / 10000 AS k FROM bu) x;
        """
    )
    batch_values = {
        "id": "s.id",
        "name": "'BMB-' || lpad(s.pidx::text, 2, '0') || '-'"
        " || lpad(s.k::text, 3, '0')",
        "product_id": "s.product_id",
        "company_id": "s.company",
        "manufacture_date": "(now() at time zone 'UTC')::date - 830 + s.k * 30",
        **AUDIT,
    }
    _insert(
        env,
        "serial_batch",
        _sql("SELECT bb.*, %(uid)s AS uid, %(company)s AS company FROM bb", **params),
        batch_values,
    )
    # the component lot
    cr.execute(_sql("SELECT nextval('stock_lot_id_seq')::int"))
    component_lot = cr.fetchone()[0]
    params["component_lot"] = component_lot
    params["component"] = m["component"]

    # -- move lines to create: one row each, grouped into transfers by ``pkey``
    run(
        """
        CREATE TEMP TABLE bml (
            lot_id int, product_id int, stage text, date timestamp, src int, dst int,
            pkey text, ptype int, partner int, qty numeric, done bool, mo int,
            unit_n int
        );
        """
    )
    loc = {
        "supplier": m["supplier_loc"],
        "customer": m["customer_loc"],
        "production": m["production_loc"],
        "in_types": m["in_types"],
        "out_types": m["out_types"],
        "int_types": m["int_types"],
        "mo_type": m["mo_type"],
    }
    params.update(loc)
    shelf = (
        "CASE WHEN (h / 29) %% 2 = 0 THEN (%(shelf_a)s::int[])[wh] "
        "ELSE (%(shelf_b)s::int[])[wh] END"
    )
    # receipts (or production for the genealogy units)
    run(
        """
        INSERT INTO bml
        SELECT lot_id, product_id, CASE WHEN role = '' THEN 'receipt' ELSE 'produce'
               END, receipt_dt, CASE WHEN role = '' THEN %(supplier)s
               ELSE %(production)s END, (%(stock)s::int[])[wh],
               CASE WHEN role = '' THEN 'IN/' || pidx || '/' || wh || '/' || seq / 1000
                    ELSE NULL END,
               CASE WHEN role = '' THEN (%(in_types)s::int[])[wh] END,
               CASE WHEN role = '' THEN (%(vendors)s::int[])[1 + pidx %% 20] END,
               1, true,
               CASE WHEN role = 'module' THEN seq / 100
                    WHEN role = 'appliance' THEN 50 + seq / 100 END, n
          FROM bu
        """
    )

    def unit_lines(stage, when, src, dst, pkey, ptype, partner, where, **kw):
        """One move line per unit of ``bu`` matching ``where``, at stage ``stage``
        (SQL expressions; ``done``/``mo`` default to a done line of no MO)."""
        run(
            f"""
            INSERT INTO bml
            SELECT lot_id, product_id, '{stage}', {when}, {src}, {dst}, {pkey},
                   {ptype}, {partner}, 1, {kw.get("done", "true")},
                   {kw.get("mo", "NULL")}, n
              FROM bu WHERE {where}
            """
        )

    stock, customer = "(%(stock)s::int[])[wh]", "%(customer)s"
    # put-away on a shelf (not for modules: they wait at stock for production)
    unit_lines(
        "internal",
        "receipt_dt + interval '1 hour'",
        stock,
        shelf,
        "'INT/' || pidx || '/' || wh || '/' || seq / 1000",
        "(%(int_types)s::int[])[wh]",
        "NULL",
        "role != 'module'",
    )
    # modules consumed by the appliance MOs, one each
    unit_lines(
        "consume",
        "receipt_dt + interval '2 hours'",
        stock,
        "%(production)s",
        "NULL",
        "NULL",
        "NULL",
        "role = 'module'",
        mo="50 + seq / 100",
    )
    deliver_dt = "receipt_dt + ((h / 31) %% 60 + 2) * interval '1 day'"
    return_dt = f"{deliver_dt} + interval '20 days'"
    redeliver_dt = f"{deliver_dt} + interval '35 days'"
    out_type, in_type = "(%(out_types)s::int[])[wh]", "(%(in_types)s::int[])[wh]"
    for stage, when, src, dst, prefix, who, ptype, where in (
        ("delivery", deliver_dt, shelf, customer, "OUT", "customer", out_type,
         "delivered"),
        ("return", return_dt, customer, stock, "RET", "customer", in_type,
         "returned"),
        ("redelivery", redeliver_dt, stock, customer, "OUT", "customer2", out_type,
         "redelivered"),
    ):  # fmt: skip
        unit_lines(
            stage,
            when,
            src,
            dst,
            f"'{prefix}/' || wh || '/' || {who} || '/' || to_char({when}, 'IYYY-IW')",
            ptype,
            who,
            where,
        )
    unit_lines(
        "open",
        "now() at time zone 'UTC'",
        shelf,
        customer,
        "'OPEN/' || wh || '/' || customer",
        out_type,
        "customer",
        "open_out",
        done="false",
    )
    # the component lot: one receipt of 5,000, then 100 per module MO
    run(
        """
        INSERT INTO bml
        SELECT %(component_lot)s, %(component)s, 'receipt',
               (now() at time zone 'UTC') - interval '830 days', %(supplier)s,
               (%(stock)s::int[])[1], 'IN/C/1', (%(in_types)s::int[])[1],
               (%(vendors)s::int[])[1], %(gen)s, true, NULL, NULL;
        INSERT INTO bml
        SELECT %(component_lot)s, %(component)s, 'consume',
               min(receipt_dt) + interval '1 minute', (%(stock)s::int[])[1],
               %(production)s, NULL, NULL, NULL, count(*), true, seq / 100, NULL
          FROM bu WHERE role = 'module' GROUP BY seq / 100
        """
    )
    run(
        "ALTER TABLE bml ADD COLUMN id int;"
        " UPDATE bml SET id = nextval('stock_move_line_id_seq');"
        " CREATE INDEX ON bml (unit_n); CREATE INDEX ON bml (lot_id, stage)"
    )
    cr.execute(_sql("SELECT count(*) FROM bml"))
    line_count = cr.fetchone()[0]
    _log(f"{line_count:,} move lines planned", t)

    # -- manufacturing orders (when mrp is installed)
    t = time.perf_counter()
    has_mrp = bool(_columns(env, "mrp_production"))
    mo_ids = {}
    if has_mrp:
        run(
            """
            CREATE TEMP TABLE bmo AS
            SELECT mo, nextval('mrp_production_id_seq')::int AS id,
                   min(product_id) FILTER (WHERE stage = 'produce') AS product_id,
                   count(*) FILTER (WHERE stage = 'produce') AS qty,
                   min(date) AS date
              FROM bml WHERE mo IS NOT NULL GROUP BY mo
            """
        )
        _insert(
            env,
            "mrp_production",
            _sql(
                "SELECT bmo.*, %(uid)s AS uid, %(company)s AS company, %(uom)s AS uom,"
                " %(mo_type)s AS ptype, %(stock1)s AS stock FROM bmo",
                uid=m["uid"],
                company=m["company"],
                uom=m["uom"],
                mo_type=m["mo_type"],
                stock1=m["stock_locations"][0],
            ),
            {
                "id": "s.id",
                "name": "'BMO/' || lpad(s.mo::text, 5, '0')",
                "product_id": "s.product_id",
                "product_uom_id": "s.uom",
                "product_qty": "s.qty",
                "qty_producing": "s.qty",
                "picking_type_id": "s.ptype",
                "location_src_id": "s.stock",
                "location_dest_id": "s.stock",
                "location_final_id": "s.stock",
                "company_id": "s.company",
                "consumption": "'flexible'",
                "state": "'done'",
                "date_start": "s.date",
                "date_finished": "s.date",
                "date_deadline": "s.date",
                "priority": "'0'",
                **AUDIT,
            },
        )
        cr.execute(_sql("SELECT mo, id FROM bmo"))
        mo_ids = dict(cr.fetchall())

    # -- transfers
    run(
        """
        CREATE TEMP TABLE bpk AS
        SELECT pkey, nextval('stock_picking_id_seq')::int AS id,
               min(ptype) AS ptype, min(src) AS src, min(dst) AS dst,
               min(partner) AS partner, max(date) AS date, bool_and(done) AS done,
               min(stage) AS stage
          FROM bml WHERE pkey IS NOT NULL GROUP BY pkey
        """
    )
    _insert(
        env,
        "stock_picking",
        _sql("SELECT bpk.*, %(uid)s AS uid, %(company)s AS company FROM bpk", **params),
        {
            "id": "s.id",
            "name": "'B/' || s.pkey",
            "origin": "NULL",
            "state": "CASE WHEN s.done THEN 'done' ELSE 'assigned' END",
            "location_id": "s.src",
            "location_dest_id": "s.dst",
            "picking_type_id": "s.ptype",
            "partner_id": "s.partner",
            "company_id": "s.company",
            "move_type": "'direct'",
            "priority": "'0'",
            "scheduled_date": "s.date",
            "date": "s.date",
            "date_deadline": "NULL",
            "date_done": "CASE WHEN s.done THEN s.date END",
            **AUDIT,
        },
    )
    # -- moves: one per transfer (or MO) and product
    run(
        """
        ALTER TABLE bml ADD COLUMN move_key text;
        UPDATE bml SET move_key = COALESCE(pkey, 'MO/' || mo || '/' || stage)
                                  || '#' || product_id;
        CREATE TEMP TABLE bmv AS
        SELECT move_key, nextval('stock_move_id_seq')::int AS id,
               min(product_id) AS product_id, min(pkey) AS pkey, min(mo) AS mo,
               min(stage) AS stage, min(src) AS src, min(dst) AS dst,
               min(partner) AS partner, max(date) AS date, sum(qty) AS qty,
               bool_and(done) AS done, min(ptype) AS ptype
          FROM bml GROUP BY move_key;
        ALTER TABLE bmv ADD COLUMN picking_id int, ADD COLUMN mo_id int;
        UPDATE bmv SET picking_id = bpk.id FROM bpk WHERE bpk.pkey = bmv.pkey;
        """
    )
    if mo_ids:
        run("UPDATE bmv SET mo_id = bmo.id FROM bmo WHERE bmo.mo = bmv.mo")
    cost = {
        row[0]: row[1]
        for row in env.execute_query(
            _sql(
                "SELECT id, (standard_price->>%(c)s)::numeric FROM product_product"
                " WHERE id = ANY(%(ids)s)",
                c=str(m["company"]),
                ids=m["product_ids"] + [m["component"]],
            )
        )
    }
    params["cost_ids"] = list(cost)
    params["cost_values"] = [float(v or 0) for v in cost.values()]
    _insert(
        env,
        "stock_move",
        _sql(
            """SELECT bmv.*, c.cost, %(uid)s AS uid, %(company)s AS company,
                      %(uom)s AS uom
                 FROM bmv JOIN unnest(%(cost_ids)s::int[], %(cost_values)s::numeric[])
                      AS c(product_id, cost) ON c.product_id = bmv.product_id""",
            **params,
            uom=m["uom"],
        ),
        {
            "id": "s.id",
            "company_id": "s.company",
            "product_id": "s.product_id",
            "product_uom": "s.uom",
            "location_id": "s.src",
            "location_dest_id": "s.dst",
            "location_final_id": "s.dst",
            "procure_method": "'make_to_stock'",
            "product_uom_qty": "s.qty",
            "product_qty": "s.qty",
            "quantity": "s.qty",
            "date": "s.date",
            "state": "CASE WHEN s.done THEN 'done' ELSE 'assigned' END",
            "picked": "s.done",
            "picking_id": "s.picking_id",
            "picking_type_id": "s.ptype",
            "partner_id": "s.partner",
            "reference": "COALESCE('B/' || s.pkey, 'BMO/' || lpad(s.mo::text, 5, '0'))",
            "priority": "'0'",
            "raw_material_production_id": "CASE WHEN s.stage = 'consume'"
            " THEN s.mo_id END",
            "production_id": "CASE WHEN s.stage = 'produce' THEN s.mo_id END",
            "price_unit": "s.cost",
            "value": "CASE WHEN s.done AND s.stage IN ('receipt', 'produce',"
            " 'delivery', 'redelivery', 'return') THEN s.cost * s.qty ELSE 0 END",
            "is_in": "s.stage IN ('receipt', 'produce', 'return')",
            "is_out": "s.stage IN ('delivery', 'redelivery', 'consume')",
            "is_dropship": "false",
            "remaining_qty": "0",
            "remaining_value": "0",
            **AUDIT,
        },
    )
    _log("transfers and moves", t)

    # -- lots, then move lines
    t = time.perf_counter()
    run(
        """
        CREATE TEMP TABLE blot AS
        SELECT bu.lot_id, bu.product_id, bu.pidx, bu.seq, bu.role, bu.receipt_dt,
               bb.id AS batch_id,
               CASE WHEN bu.role = 'module' THEN 'consumed'
                    WHEN bu.open_out THEN 'reserved'
                    WHEN bu.delivered AND (NOT bu.returned OR bu.redelivered)
                        THEN 'delivered'
                    WHEN bu.returned THEN 'returned'
                    ELSE 'in_stock' END AS state,
               CASE WHEN bu.redelivered THEN bu.customer2
                    WHEN bu.delivered AND NOT bu.returned THEN bu.customer END
                   AS holder,
               (SELECT max(date) FROM bml WHERE bml.unit_n = bu.n
                   AND bml.stage IN ('delivery', 'redelivery')) AS delivery_dt,
               (SELECT dst FROM bml WHERE bml.unit_n = bu.n AND bml.done
                 ORDER BY date DESC LIMIT 1) AS location
          FROM bu JOIN bb ON bb.pidx = bu.pidx AND bb.k = bu.seq / 10000
        """
    )
    lot_values = {
        "id": "s.lot_id",
        "name": "'BMU' || lpad(s.pidx::text, 2, '0') || '-'"
        " || lpad(s.seq::text, 7, '0')",
        "product_id": "s.product_id",
        "company_id": "s.company",
        "unit_state": "s.state",
        "customer_id": "s.holder",
        "receipt_date": "date_trunc('second', s.receipt_dt)",
        "delivery_date": "date_trunc('second', s.delivery_dt)",
        "location_id": "s.location",
        "batch_id": "s.batch_id",
        "manufacture_date": "s.receipt_dt::date",
        "standard_price": "CASE WHEN s.lot_valuated THEN"
        " jsonb_build_object(s.company::text, s.cost) END",
        "avg_cost": "CASE WHEN s.lot_valuated THEN s.cost ELSE 0 END",
        **AUDIT,
    }
    _insert(
        env,
        "stock_lot",
        _sql(
            """SELECT blot.*, c.cost, pt.lot_valuated, %(uid)s AS uid,
                      %(company)s AS company
                 FROM blot
                 JOIN unnest(%(cost_ids)s::int[], %(cost_values)s::numeric[])
                      AS c(product_id, cost) ON c.product_id = blot.product_id
                 JOIN product_product pp ON pp.id = blot.product_id
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id""",
            **params,
        ),
        lot_values,
    )
    run(
        """
        INSERT INTO stock_lot (id, name, product_id, company_id, unit_state,
                               create_uid, write_uid, create_date, write_date)
        VALUES (%(component_lot)s, 'BMC-LOT-0001', %(component)s, %(company)s,
                'consumed', %(uid)s, %(uid)s, now() at time zone 'UTC',
                now() at time zone 'UTC')
        """
    )
    _log("lots", t)
    t = time.perf_counter()
    _insert(
        env,
        "stock_move_line",
        _sql(
            """SELECT bml.*, bmv.id AS move_id, bmv.picking_id, %(uid)s AS uid,
                      %(company)s AS company, %(uom)s AS uom
                 FROM bml JOIN bmv ON bmv.move_key = bml.move_key""",
            **params,
            uom=m["uom"],
        ),
        {
            "id": "s.id",
            "company_id": "s.company",
            "product_id": "s.product_id",
            "product_uom_id": "s.uom",
            "lot_id": "s.lot_id",
            "location_id": "s.src",
            "location_dest_id": "s.dst",
            "quantity": "s.qty",
            "quantity_product_uom": "s.qty",
            "date": "s.date",
            "state": "CASE WHEN s.done THEN 'done' ELSE 'assigned' END",
            "picked": "s.done",
            "move_id": "s.move_id",
            "picking_id": "s.picking_id",
            "reference": "COALESCE('B/' || s.pkey, 'BMO/' || lpad(s.mo::text, 5, '0'))",
            **AUDIT,
        },
    )
    _log(f"{line_count:,} move lines", t)

    # -- genealogy: produced line <- consumed line(s)
    t = time.perf_counter()
    if _columns(env, "stock_move_line_consume_rel"):
        run(
            """
            INSERT INTO stock_move_line_consume_rel (consume_line_id, produce_line_id)
            SELECT p.id, c.id
              FROM bml p
              JOIN bu pu ON pu.n = p.unit_n AND pu.role = 'module'
              JOIN bml c ON c.lot_id = %(component_lot)s AND c.stage = 'consume'
                        AND c.mo = p.mo
             WHERE p.stage = 'produce';
            INSERT INTO stock_move_line_consume_rel (consume_line_id, produce_line_id)
            SELECT p.id, c.id
              FROM bml p
              JOIN bu pu ON pu.n = p.unit_n AND pu.role = 'appliance'
              JOIN bu cu ON cu.pidx = %(module_idx)s AND cu.seq = pu.seq
              JOIN bml c ON c.unit_n = cu.n AND c.stage = 'consume'
             WHERE p.stage = 'produce';
            """
        )
    # -- quants: where each unit is now
    _insert(
        env,
        "stock_quant",
        _sql(
            """SELECT blot.*, bu.open_out, %(uid)s AS uid, %(company)s AS company
                 FROM blot JOIN bu ON bu.lot_id = blot.lot_id""",
            **params,
        ),
        {
            "product_id": "s.product_id",
            "location_id": "s.location",
            "lot_id": "s.lot_id",
            "company_id": "s.company",
            "quantity": "1",
            "reserved_quantity": "CASE WHEN s.open_out THEN 1 ELSE 0 END",
            "in_date": "s.receipt_dt",
            **AUDIT,
        },
    )
    run(
        """
        INSERT INTO stock_quant (product_id, location_id, lot_id, company_id, quantity,
                                 reserved_quantity, in_date, create_uid, write_uid,
                                 create_date, write_date)
        VALUES (%(component)s, %(production)s, %(component_lot)s, %(company)s,
                %(gen)s, 0, now() at time zone 'UTC', %(uid)s, %(uid)s,
                now() at time zone 'UTC', now() at time zone 'UTC')
        """
    )
    _log("genealogy and quants", t)
    if "delivery_move_id" in env["stock.lot"]._fields:
        # the units' last deliveries, as the core derives them (one query)
        t = time.perf_counter()
        env["stock.lot"]._serial_fill_delivery_moves()
        _log("units' last deliveries", t)

    # -- timeline: one event per done line of a serial unit
    t = time.perf_counter()
    if _columns(env, "serial_event"):
        _insert(
            env,
            "serial_event",
            _sql(
                """SELECT bml.*, bmv.id AS move_id, bmv.picking_id, %(uid)s AS uid,
                          %(company)s AS company
                     FROM bml JOIN bmv ON bmv.move_key = bml.move_key
                    WHERE bml.done AND bml.product_id != %(component)s""",
                **params,
            ),
            {
                "lot_id": "s.lot_id",
                "product_id": "s.product_id",
                "company_id": "s.company",
                "event_type": "CASE s.stage WHEN 'receipt' THEN 'received'"
                " WHEN 'produce' THEN 'received' WHEN 'internal' THEN 'moved'"
                " WHEN 'delivery' THEN 'delivered' WHEN 'redelivery' THEN 'delivered'"
                " WHEN 'return' THEN 'returned' WHEN 'consume' THEN 'consumed' END",
                "date": "date_trunc('second', s.date)",
                "user_id": "s.uid",
                "location_id": "s.src",
                "location_dest_id": "s.dst",
                "partner_id": "s.partner",
                "picking_id": "s.picking_id",
                "move_id": "s.move_id",
                "reference": "COALESCE('B/' || s.pkey, 'BMO/' || lpad(s.mo::text, 5,"
                " '0'))",
                **AUDIT,
            },
        )
    _log("timeline events", t)

    batches = {
        row[0]: row[1]
        for row in env.execute_query(
            _sql("SELECT pidx, array_agg(id ORDER BY k) FROM bb GROUP BY pidx")
        )
    }
    layout = {
        "version": LAYOUT_VERSION,
        "units": units,
        "products": products,
        "move_lines": line_count,
        "company_id": m["company"],
        "warehouse_ids": m["warehouses"],
        "shelf_ids": m["shelves"],
        "product_ids": m["product_ids"],
        "units_per_product": counts,
        "big_product": m["product_ids"][0],
        "module_product": m["product_ids"][module_idx],
        "appliance_product": m["product_ids"][appliance_idx],
        "component_product": m["component"],
        "component_lot": component_lot,
        "genealogy_units": GENEALOGY_UNITS,
        "batch_ids": batches[0][:1] + batches[1][:1],
        "batch_size": BATCH_SIZE,
        "customer_ids": m["customers"],
        "vendor_ids": m["vendors"],
        "receipt_days": 730,
        "manufacturing": has_mrp,
    }
    env["ir.config_parameter"].sudo().set_param(LAYOUT_KEY, json.dumps(layout))
    for table in ("bu", "bb", "bml", "bpk", "bmv", "blot"):
        cr.execute(_sql(f"DROP TABLE {table}"))
    if has_mrp:
        cr.execute(_sql("DROP TABLE bmo"))
    # sequences of the tables filled with explicit ids are already past them
    env.invalidate_all()
    return layout


def main():
    parser = bench_parser(__doc__, db="st_million", units=1_000_000, products=50)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--info", action="store_true", help="print the layout")
    args = parser.parse_args()
    layout = ensure_million_db(args.db, args.units, args.products, reset=args.reset)
    if args.info:
        short = {
            k: v if not isinstance(v, list) or len(v) < 8 else f"[{len(v)} ids]"
            for k, v in layout.items()
        }
        print(json.dumps(short, indent=1))


if __name__ == "__main__":
    main()
