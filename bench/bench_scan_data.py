"""Data of bench_scan.py: units in stock, the operations scanned, the codes, and
Odoo's standard path for each flow (what a user does in the operation's detailed
operations)."""

import sys
import time
import uuid

from _odoo import warehouse_of

PRODUCT_PREFIX = "BENCH-SCAN-"
DEST_BARCODE = "BENCH-SCAN-DEST"


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
    warehouse = warehouse_of(env)
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


def destination(env):
    """The transfers' destination: a shelf of the stock with a location barcode."""
    Location = env["stock.location"]
    shelf = Location.search([("barcode", "=", DEST_BARCODE)], limit=1)
    return shelf or Location.create(
        {
            "name": "Bench shelf",
            "barcode": DEST_BARCODE,
            "location_id": warehouse_of(env).lot_stock_id.id,
        }
    )


def make_picking(env, products, per_line, flow, ours):
    """The operation a flow scans: ``per_line`` units of each product."""
    from odoo import Command

    warehouse = warehouse_of(env)
    stock = warehouse.lot_stock_id
    # Unreserving (the unreserved flow, a finished run) leaves zero quants that
    # Odoo's daily cron removes; without this a later run's reservation swaps
    # would meet them and take the ORM path instead of the SQL helper.
    env["stock.quant"]._unlink_zero_quants()
    if flow == "transfer":
        shelf = destination(env)
        if ours:
            admin = env.ref("base.user_admin")
            transfer = env["serial.scan.transfer"].with_user(admin)
            picking_id = transfer.serial_transfer_state()["id"]
            transfer.serial_transfer_scan(picking_id, DEST_BARCODE, uuid.uuid4().hex)
            return env["stock.picking"].browse(picking_id)
        return env["stock.picking"].create(
            {
                "picking_type_id": warehouse.int_type_id.id,
                "location_id": stock.id,
                "location_dest_id": shelf.id,
            }
        )
    if flow == "receive":
        kind, src, dst = (
            warehouse.in_type_id,
            env.ref("stock.stock_location_suppliers"),
            stock,
        )
    else:
        kind, src, dst = (
            warehouse.out_type_id,
            stock,
            env.ref("stock.stock_location_customers"),
        )
    picking = env["stock.picking"].create(
        {
            "picking_type_id": kind.id,
            "location_id": src.id,
            "location_dest_id": dst.id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": per_line,
                        "location_id": src.id,
                        "location_dest_id": dst.id,
                    }
                )
                for product in products
            ],
        }
    )
    picking.action_confirm()
    if flow == "dispatch":
        picking.action_assign()
    elif flow == "unreserved":
        picking.do_unreserve()
    return picking


def plan_codes(env, picking, products, per_line, flow, taken):
    """``[(code, move_id)]`` to scan: dispatch, 3 reserved + 2 free serials per
    line; unreserved and transfer, free serials; receive, new serials."""
    if flow == "receive":
        tag = uuid.uuid4().hex[:6].upper()
        return [
            (f"BRC-{tag}-{move.id}-{n}", move.id)
            for move in picking.move_ids
            for n in range(per_line)
        ]
    destination(env)
    reserved_by_product = {}
    for ml in picking.move_line_ids:
        reserved_by_product.setdefault(ml.product_id.id, []).append(ml.lot_id.name)
    reserved_all = set(
        env["stock.move.line"]
        .search([("state", "not in", ("done", "cancel")), ("lot_id", "!=", False)])
        .lot_id.mapped("name")
    )
    swaps = min(2, per_line) if flow == "dispatch" else per_line
    codes = []
    for product in products:
        reserved = sorted(reserved_by_product.get(product.id, []))[: per_line - swaps]
        free = env["stock.lot"].search(
            [
                ("product_id", "=", product.id),
                ("name", "not in", list(reserved_all | taken)),
                ("quant_ids.quantity", ">", 0),
            ],
            order="name desc",
            limit=swaps,
        )
        line_codes = reserved + free.mapped("name")
        taken.update(line_codes)
        codes.extend((code, None) for code in line_codes)
    return codes


def standard_scan(env, flow, picking_id, code, move_id, receive_unit=True):
    """Odoo's standard ORM path for one unit.

    ``receive``: the same outcome as a receive scan, the unit made and on a free
    line of the move (the serial typed into the line's Lot/Serial field and
    created from there: ``stock.lot.create``, then ``lot_id`` and ``picked``
    written); with ``receive_unit=False`` only the serial's name and ``picked``
    are written (``lot_name``: Odoo makes the unit when the receipt is
    validated, a cost the scan pays up front)."""
    MoveLine = env["stock.move.line"]
    if flow == "receive":
        line = MoveLine.search(
            [
                ("move_id", "=", move_id),
                ("lot_name", "=", False),
                ("lot_id", "=", False),
                ("picked", "=", False),
            ],
            limit=1,
        )
        if not receive_unit:
            line.write({"lot_name": code, "picked": True})
            return
        lot = env["stock.lot"].create(
            {
                "name": code,
                "product_id": line.product_id.id,
                "company_id": line.company_id.id,
            }
        )
        line.write({"lot_id": lot.id, "picked": True})
        return
    lot = env["stock.lot"].search([("name", "=", code)], limit=1)
    if flow == "dispatch":
        line = MoveLine.search(
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
        line.write({"lot_id": lot.id, "picked": True})
        return
    picking = env["stock.picking"].browse(picking_id)
    vals = {
        "picking_id": picking_id,
        "product_id": lot.product_id.id,
        "product_uom_id": lot.product_id.uom_id.id,
        "lot_id": lot.id,
        "quantity": 1.0,
        "picked": True,
        "location_id": picking.location_id.id,
        "location_dest_id": picking.location_dest_id.id,
    }
    if flow == "unreserved":
        move = env["stock.move"].search(
            [("picking_id", "=", picking_id), ("product_id", "=", lot.product_id.id)],
            limit=1,
        )
        vals["move_id"] = move.id
    MoveLine.create(vals)
