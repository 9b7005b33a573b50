import re

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking.tools.query_settings import no_jit

from ..tools.recall_sql import UNIT_COLUMNS, split_groups_sql, split_groups_values

# Fields of ``serial.recall`` that make its scope.
SCOPE_FIELDS = (
    "serial_input",
    "lot_ids",
    "batch_ids",
    "product_ids",
    "date_basis",
    "date_from",
    "date_to",
    "receipt_ids",
    "vendor_ids",
)
DATE_COLUMNS = {
    "receipt": "receipt_date",
    "production": "manufacture_date",
    "delivery": "delivery_date",
}


class SerialRecallScope(models.AbstractModel):
    """The scope of a recall (``serial.recall`` inherits it): its criteria as SQL
    queries of ``stock_lot.id``, their checks, and the preview. Works on the scope
    fields of ``serial.recall`` (``SCOPE_FIELDS``)."""

    _name = "serial.recall.scope"
    _description = "Recall Scope"

    def _serial_recall_scope_fields(self):
        """Fields that make the scope (fixed once the recall is confirmed; the
        preview depends on them). Bridges add theirs (call super)."""
        return list(SCOPE_FIELDS)

    def _serial_recall_typed_lots(self):
        """Units of the typed serials; refuses unknown ones and other companies'."""
        self.ensure_one()
        names = list(dict.fromkeys(re.split(r"[\s,;]+", self.serial_input or "")))
        names = [name for name in names if name]
        if not names:
            return self.env["stock.lot"]
        rows = self.env.execute_query(
            SQL(
                "SELECT id, name, company_id FROM stock_lot WHERE name = ANY(%s)",
                names,
            )
        )
        company = self.company_id.id
        own = [lot_id for lot_id, _n, cid in rows if cid in (company, None)]
        own_names = {name for _id, name, cid in rows if cid in (company, None)}
        known = {name for _id, name, _cid in rows}
        foreign = sorted(known - own_names)
        unknown = [name for name in names if name not in known]
        errors = []
        if unknown:
            errors.append(
                self.env._(
                    "These serials do not exist: %(serials)s",
                    serials=", ".join(unknown[:50]),
                )
            )
        if foreign:
            errors.append(
                self.env._(
                    "These serials belong to another company than %(company)s: "
                    "%(serials)s",
                    company=self.company_id.name,
                    serials=", ".join(foreign[:50]),
                )
            )
        if errors:
            raise UserError("\n".join(errors))
        return self.env["stock.lot"].browse(own)

    def _serial_recall_check_lots(self, lots):
        foreign = lots.filtered(
            lambda lot: lot.company_id and lot.company_id != self.company_id
        )
        if foreign:
            raise UserError(
                self.env._(
                    "These units belong to another company than %(company)s: "
                    "%(serials)s",
                    company=self.company_id.name,
                    serials=", ".join(foreign.mapped("name")),
                )
            )

    def _serial_recall_scope_conditions(self):
        """SQL conditions on ``stock_lot`` (alias ``l``), one per criterion of the
        scope read on the units themselves (listed units, batches, products and
        dates); the recall's units are those matching any of them or found by
        ``_serial_recall_scope_queries``. Each is answered by one index scan of
        ``stock_lot`` that also reads what the split needs."""
        self.ensure_one()
        conditions = []
        lots = self.lot_ids._origin | self._serial_recall_typed_lots()
        self._serial_recall_check_lots(lots)
        if lots:
            conditions.append(SQL("l.id = ANY(%s)", lots.ids))
        if self.batch_ids:
            conditions.append(SQL("l.batch_id = ANY(%s)", self.batch_ids._origin.ids))
        if self.product_ids:
            column = SQL.identifier("l", DATE_COLUMNS[self.date_basis or "receipt"])
            where = [SQL("l.product_id = ANY(%s)", self.product_ids._origin.ids)]
            # whole days, both ends included, as the recall's dates say
            if self.date_from:
                where.append(SQL("%s >= %s", column, self.date_from))
            if self.date_to:
                where.append(SQL("%s < %s::date + 1", column, self.date_to))
            conditions.append(SQL(" AND ").join(where))
        return conditions

    def _serial_recall_scope_queries(self):
        """SQL queries of ``stock_lot.id``, one per criterion of the scope found
        elsewhere than on the units (supplier receipts, vendors; more in bridges:
        call super)."""
        self.ensure_one()
        queries = []
        if self.receipt_ids:
            queries.append(
                SQL(
                    """SELECT ml.lot_id FROM stock_move_line ml
                        WHERE ml.picking_id = ANY(%s) AND ml.state = 'done'
                          AND ml.lot_id IS NOT NULL""",
                    self.receipt_ids._origin.ids,
                )
            )
        if self.vendor_ids:
            vendors = self.env["res.partner"].search(
                [("commercial_partner_id", "in", self.vendor_ids._origin.ids)]
            )
            queries.append(
                SQL(
                    """SELECT ml.lot_id FROM stock_move_line ml
                         JOIN stock_picking p ON p.id = ml.picking_id
                         JOIN stock_location src ON src.id = ml.location_id
                        WHERE p.partner_id = ANY(%s) AND src.usage = 'supplier'
                          AND ml.state = 'done' AND ml.lot_id IS NOT NULL""",
                    vendors.ids,
                )
            )
        return queries

    def _serial_recall_units_sql(self, after_id=0):
        """The scope as one SQL query of its units' ``UNIT_COLUMNS`` (each unit
        once), units of the recall's company with an id above ``after_id``: one
        branch per criterion, a union when there are several."""
        self.ensure_one()
        conditions = self._serial_recall_scope_conditions()
        queries = self._serial_recall_scope_queries()
        if not conditions and not queries:
            raise UserError(
                self.env._(
                    "Recall %(recall)s has no scope: list serials or lots, or choose "
                    "batches, products, receipts or vendors.",
                    recall=self.name,
                )
            )
        own = SQL(
            """(l.company_id = %(company)s
                OR l.company_id IS NULL AND EXISTS (
                    SELECT 1 FROM stock_move_line ml
                     WHERE ml.lot_id = l.id AND ml.company_id = %(company)s))
               AND l.id > %(after)s""",
            company=self.company_id.id,
            after=after_id,
        )
        branches = [
            SQL("SELECT %s FROM stock_lot l WHERE (%s) AND %s", UNIT_COLUMNS, cond, own)
            for cond in conditions
        ]
        # units found elsewhere: one primary-key probe each (not a hash of the table)
        branches += [
            SQL(
                """SELECT %(columns)s FROM (SELECT DISTINCT id FROM (%(query)s)
                                           AS found(id)) AS scope
                    CROSS JOIN LATERAL (
                        SELECT * FROM stock_lot l WHERE l.id = scope.id AND %(own)s
                    ) l""",
                columns=UNIT_COLUMNS,
                query=query,
                own=own,
            )
            for query in queries
        ]
        return SQL(" UNION ").join(branches)

    def _serial_recall_lots_sql(self, after_id=0, limit=None):
        """The scope as one SQL query of distinct ``stock_lot.id`` of the recall's
        company, by id (``after_id``, ``limit``: one chunk of it)."""
        return SQL(
            "SELECT u.id FROM (%s) u ORDER BY u.id %s",
            self._serial_recall_units_sql(after_id),
            SQL("LIMIT %s", limit) if limit else SQL(""),
        )

    def _serial_recall_no_jit(self):
        """Settings of this transaction for the recall's large set-based statements:
        PostgreSQL's JIT compiled them for seconds (10 s seen for a 10,000-unit
        split that runs in 1 s): off; and sorts and hashes of a few hundred
        thousand rows kept in memory (``work_mem``, never lowered)."""
        no_jit(self.env.cr)
        work_mem = self.env.execute_query(
            SQL("SELECT setting::int FROM pg_settings WHERE name = 'work_mem'")
        )[0][0]
        if work_mem < 65536:
            self.env.cr.execute(SQL("SET LOCAL work_mem = '64MB'"))
        self.env.cr.execute(SQL("SET LOCAL random_page_cost = 1.1"))

    def _serial_recall_unit_count(self):
        """How many units the scope holds now (pending writes flushed first)."""
        self.ensure_one()
        self._serial_recall_flush()
        return self.env.execute_query(
            SQL("SELECT COUNT(*) FROM (%s) s", self._serial_recall_lots_sql())
        )[0][0]

    def _serial_recall_flush(self):
        for model in (
            "stock.lot",
            "stock.quant",
            "stock.move.line",
            "stock.move",
            "stock.picking",
            "product.product",
            "product.template",
            "res.partner",
        ):
            self.env[model].flush_model()

    def _serial_recall_split_groups(self):
        """The scope's split as the recall shows it, computed and aggregated in SQL
        (``split_groups_sql``), nothing written: ``{'total': units, 'positions':
        {position: (units, quantity, value)}}``."""
        self.ensure_one()
        self._serial_recall_flush()
        units_sql = self._serial_recall_units_sql()  # refuses a recall without scope
        self._serial_recall_no_jit()
        return split_groups_values(
            self.env.execute_query(
                split_groups_sql(None, self.company_id.id, units_sql)
            )
        )

    def _serial_recall_preview(self):
        """``{position: units, 'total': units}`` of the scope, nothing written."""
        split = self._serial_recall_split_groups()
        counts = {position: row[0] for position, row in split["positions"].items()}
        counts["total"] = split["total"]
        return counts
