from collections import namedtuple

from odoo import api, models
from odoo.tools import SQL

from ..tools.columns import cache_values

# Below this many move lines Odoo's own loop is fast enough: the fast path is not tried.
FAST_MIN_LINES_PARAM = "serial_tracking.fast_validation_min_lines"
FAST_MIN_LINES_DEFAULT = 200


# What the fast paths read of each move line (one query, see
# StockMoveLine._serial_fast_common_checks): ids of the line and its records, the
# serial name, and the product of its unit (if any).
FastLine = namedtuple(
    "FastLine",
    "id move_id product_id lot_id lot_name location_id location_dest_id lot_product_id",
)


FAST_LINE_COLUMNS = [
    "move_id",
    "product_id",
    "lot_id",
    "lot_name",
    "location_id",
    "location_dest_id",
    "company_id",
    "quantity",
    "product_uom_id",
    "package_id",
    "result_package_id",
    "owner_id",
]


class SerialFastCommonMixin(models.AbstractModel):
    """What the fast paths of validation (receipt, delivery, internal transfer)
    share: the size from which they are tried, the checks every line must pass,
    the border the lines cross, Odoo's company check run once per distinct
    combination. Part of ``stock.move.line`` (which inherits this mixin); holds
    no fields."""

    _name = "serial.fast.common.mixin"
    _description = "Serial Fast Validation Checks"

    @api.model
    def _serial_fast_min_lines(self):
        value = self.env["ir.config_parameter"].sudo().get_param(FAST_MIN_LINES_PARAM)
        try:
            return int(value) if value else FAST_MIN_LINES_DEFAULT
        except ValueError:
            return FAST_MIN_LINES_DEFAULT

    def _serial_fast_common_checks(self):
        """What both fast paths ask of every line: one unit (quantity 1 in the
        product's own unit) of a storable product tracked by serial, no package, no
        owner, on a move that is no inventory nor scrap; one company per batch.

        Returns the lines' :data:`FastLine` rows (read in one query, in the order of
        ``self``) when they all qualify, else ``None``. The lines are read by
        their ids alone, their products (a few) by the ORM and their units' products
        by :meth:`stock.lot._serial_product_company`."""
        if (
            self.env.context.get("serial_fast_off")
            or len(self) < self._serial_fast_min_lines()
        ):
            return None
        if not self.env["stock.quant"]._serial_can_create_in_batch():
            return None
        # Only what the query reads: the lines' other pending updates (e.g. picked)
        # go with the next flush, in one UPDATE with the unit the fast path writes.
        self.flush_model(FAST_LINE_COLUMNS)
        lines = self.env.execute_query(
            SQL(
                """
                SELECT id, move_id, product_id, lot_id, lot_name, location_id,
                       location_dest_id, company_id, quantity = 1, product_uom_id,
                       package_id IS NULL AND result_package_id IS NULL
                       AND owner_id IS NULL AND move_id IS NOT NULL
                  FROM stock_move_line
                 WHERE id = ANY(%s)
                """,
                list(self.ids),
            )
        )
        if len(lines) != len(self):
            return None
        # Products and units apart: joined in SQL, statistics that do not know a
        # big receipt's lines yet made PostgreSQL read every line of the product
        # or compare every line to every product.
        products = {
            product.id: (product.uom_id.id, product.tracking, product.is_storable)
            for product in self.env["product.product"]
            .sudo()
            .browse({line[2] for line in lines})
        }
        lot_products = {
            lot_id: product_id
            for lot_id, (product_id, _company_id) in self.env["stock.lot"]
            ._serial_product_company({line[3] for line in lines if line[3]})
            .items()
        }
        rows = []
        for line_id, move_id, product_id, lot_id, *rest in lines:
            name, source, dest, company_id, one, uom_id, plain = rest
            product_uom, tracking, storable = products[product_id]
            if not (
                one
                and plain
                and uom_id == product_uom
                and tracking == "serial"
                and storable
            ):
                return None
            rows.append(
                (
                    line_id,
                    move_id,
                    product_id,
                    lot_id,
                    name,
                    source,
                    dest,
                    lot_products.get(lot_id),
                    company_id,
                )
            )
        if len({row[8] for row in rows}) != 1:
            return None
        position = {line_id: i for i, line_id in enumerate(self.ids)}
        rows.sort(key=lambda row: position[row[0]])
        moves = self.env["stock.move"].browse({row[1] for row in rows})
        if any(move.is_inventory or move.scrap_id for move in moves):
            return None
        return [FastLine(*row[:8]) for row in rows]

    def _serial_fast_crossing(self, rows, into_stock):
        """Whether every line of ``rows`` (:data:`FastLine`) crosses the border of
        our stock the same way: from locations that bypass reservation (vendor,
        customer, inventory...) into internal ones that do not (``into_stock``), or
        the other way round."""
        Location = self.env["stock.location"]
        sources = Location.browse({row.location_id for row in rows})
        destinations = Location.browse({row.location_dest_id for row in rows})
        inside, outside = (
            (destinations, sources) if into_stock else (sources, destinations)
        )
        return self._serial_inside_stock(inside) and all(
            loc.should_bypass_reservation() for loc in outside
        )

    def _serial_check_company(self):
        """Odoo's ``_check_company()`` of the lines, run on one line per distinct
        combination of what it looks at: the line's company and the records of its
        company-checked fields, a unit counting by its company (the check's domain
        on units only reads their company, unless stock.lot changes it). Same
        outcome, a handful of lines checked instead of every one. The combinations
        are read in one query (the unit from the cache, where the fast receipt
        puts it)."""
        Lot = self.env["stock.lot"]
        lot_by_company = (
            type(Lot)._check_company_domain is models.BaseModel._check_company_domain
        )
        names = [
            name
            for name, field in self._fields.items()
            if field.relational and field.check_company and name != "lot_id"
        ]
        columns = [name for name in names if self._fields[name].column_type]
        others = [name for name in names if name not in columns]
        self.flush_model(columns)
        rows = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(
                    "SELECT id, company_id, %s FROM stock_move_line WHERE id = ANY(%s)",
                    SQL(", ").join(SQL.identifier(name) for name in columns),
                    list(self.ids),
                )
            )
        }
        lot_ids = dict(zip(self._ids, cache_values(self, "lot_id"), strict=True))
        lot_company = {}
        if lot_by_company:
            Lot.flush_model(["company_id"])
            lot_company = dict(
                self.env.execute_query(
                    SQL(
                        "SELECT id, company_id FROM stock_lot WHERE id = ANY(%s)",
                        list({lot_id for lot_id in lot_ids.values() if lot_id}),
                    )
                )
            )
        representatives = {}
        # Records (prefetching together) only when the key reads more of them.
        lines = list(self) if others else self._ids
        for line, (line_id, lot_id) in zip(lines, lot_ids.items(), strict=True):
            key = (
                rows[line_id],
                ("company", lot_company.get(lot_id)) if lot_by_company else lot_id,
                tuple(line[name]._ids for name in others),
            )
            representatives.setdefault(key, line_id)
        self.browse(list(representatives.values()))._check_company()
