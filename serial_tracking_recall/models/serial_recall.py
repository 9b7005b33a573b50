import re

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.recall_sql import HELD_POSITIONS, split_summary_sql

STATES = [
    ("draft", "Draft"),
    ("computing", "Finding units"),
    ("open", "Open"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]
DATE_BASES = [
    ("receipt", "Receipt date"),
    ("production", "Production date"),
    ("delivery", "Delivery date"),
]
# Fields of a recall that stay editable once it is closed or cancelled.
FREE_FIELDS = {
    "message_follower_ids",
    "activity_ids",
    "message_ids",
    "message_main_attachment_id",
}
# Above this many units, confirming runs in the background (ir.cron).
BACKGROUND_THRESHOLD = 20_000
CHUNK = 50_000


class SerialRecall(models.Model):
    """A recall campaign: a scope of units, their lines, notices and value at stake.

    The scope is the union of its criteria (listed units, batches, products in a
    date range, supplier receipts, vendors; more in bridges, see
    ``_serial_recall_scope_queries``). Confirming finds every unit in SQL, writes one
    line per unit and position (``serial.recall.line``), marks the units recalled and
    blocks them; large recalls do this in the background, chunk by chunk.
    """

    _name = "serial.recall"
    _description = "Recall"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, default="/"
    )
    title = fields.Char(required=True, tracking=True)
    reason = fields.Text(help="What is wrong with the units (defect, contamination).")
    customer_instructions = fields.Text(
        help="What customers must do: printed in the notice sent to them."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", "Responsible", default=lambda self: self.env.user, tracking=True
    )
    state = fields.Selection(STATES, default="draft", required=True, tracking=True)
    # ---- scope
    serial_input = fields.Text(
        "Serials",
        help="Serial or lot numbers, typed, pasted or scanned: one per line, or "
        "separated by spaces, commas or semicolons.",
    )
    lot_ids = fields.Many2many("stock.lot", string="Units and Lots", check_company=True)
    batch_ids = fields.Many2many("serial.batch", string="Batches", check_company=True)
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        check_company=True,
        domain="[('tracking', '!=', 'none')]",
    )
    date_basis = fields.Selection(DATE_BASES, default="receipt")
    date_from = fields.Date()
    date_to = fields.Date()
    receipt_ids = fields.Many2many(
        "stock.picking",
        string="Supplier Receipts",
        check_company=True,
        domain="[('picking_type_code', '=', 'incoming'), ('state', '=', 'done')]",
    )
    vendor_ids = fields.Many2many(
        "res.partner",
        "serial_recall_vendor_rel",
        string="Vendors",
        help="Every unit received from these vendors.",
    )
    # ---- preview (before anything is written)
    preview_count = fields.Integer("Units Found", compute="_compute_preview")
    preview_held_count = fields.Integer("With Us", compute="_compute_preview")
    preview_delivered_count = fields.Integer("Delivered", compute="_compute_preview")
    preview_other_count = fields.Integer("Elsewhere", compute="_compute_preview")
    # ---- results
    line_ids = fields.One2many("serial.recall.line", "recall_id", "Recall Units")
    customer_ids = fields.One2many("serial.recall.customer", "recall_id", "Customers")
    unit_count = fields.Integer("Affected Units", compute="_compute_totals")
    held_count = fields.Integer("Units With Us", compute="_compute_totals")
    delivered_count = fields.Integer("Units Delivered", compute="_compute_totals")
    closed_count = fields.Integer("Units Closed", compute="_compute_totals")
    customer_count = fields.Integer(compute="_compute_totals")
    held_value = fields.Monetary(
        "Value With Us",
        compute="_compute_totals",
        help="Odoo's valuation of the affected units we hold: the lot's cost where "
        "the product is valuated by lot/serial, else the product's cost.",
    )
    delivered_cost_value = fields.Monetary(
        "Cost of Delivered Units", compute="_compute_totals"
    )
    progress_total = fields.Integer(readonly=True, copy=False)
    progress_done = fields.Integer(readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress")
    progress_last_lot_id = fields.Integer(readonly=True, copy=False)
    confirm_date = fields.Datetime(readonly=True, copy=False)
    close_date = fields.Datetime(readonly=True, copy=False)

    @api.depends(
        "serial_input",
        "lot_ids",
        "batch_ids",
        "product_ids",
        "date_basis",
        "date_from",
        "date_to",
        "receipt_ids",
        "vendor_ids",
        "state",
    )
    def _compute_preview(self):
        for recall in self:
            counts = {}
            if recall.state == "draft" and recall._serial_recall_has_scope():
                try:
                    counts = recall._serial_recall_preview()
                except UserError:
                    counts = {}
            held = sum(counts.get(pos, 0) for pos in HELD_POSITIONS)
            recall.preview_held_count = held
            recall.preview_delivered_count = counts.get("delivered", 0)
            recall.preview_other_count = counts.get("other", 0)
            recall.preview_count = counts.get("total", 0)

    @api.depends("line_ids.status", "line_ids.position")
    def _compute_totals(self):
        groups = self.env["serial.recall.line"]._read_group(
            [("recall_id", "in", self.ids)],
            ["recall_id", "position", "status"],
            ["lot_id:count_distinct", "cost_value:sum"],
        )
        customers = dict(
            self.env["serial.recall.customer"]._read_group(
                [("recall_id", "in", self.ids)], ["recall_id"], ["__count"]
            )
        )
        totals = {}
        for recall, position, status, count, value in groups:
            total = totals.setdefault(recall.id, dict.fromkeys(range(6), 0))
            total[0] += count
            if position in HELD_POSITIONS:
                total[1] += count
                total[4] += value
            elif position == "delivered":
                total[2] += count
                total[5] += value
            if status == "closed":
                total[3] += count
        for recall in self:
            total = totals.get(recall.id, dict.fromkeys(range(6), 0))
            recall.unit_count = total[0]
            recall.held_count = total[1]
            recall.delivered_count = total[2]
            recall.closed_count = total[3]
            recall.held_value = total[4]
            recall.delivered_cost_value = total[5]
            recall.customer_count = customers.get(recall, 0)

    @api.depends("progress_total", "progress_done")
    def _compute_progress(self):
        for recall in self:
            recall.progress = (
                100.0 * recall.progress_done / recall.progress_total
                if recall.progress_total
                else 0.0
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("serial.recall")
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.context.get("serial_recall_internal") and (
            vals.keys() - FREE_FIELDS
        ):
            done = self.filtered(lambda recall: recall.state in ("closed", "cancel"))
            if done:
                raise UserError(
                    self.env._(
                        "Recall %(recall)s is %(state)s and cannot be changed: "
                        "reopen it first.",
                        recall=done[0].name,
                        state=dict(STATES)[done[0].state].lower(),
                    )
                )
            scope = set(self._serial_recall_scope_fields())
            started = self.filtered(lambda recall: recall.state != "draft")
            if started and scope & vals.keys():
                raise UserError(
                    self.env._(
                        "The scope of recall %(recall)s is fixed once it is "
                        "confirmed: start another recall for other units.",
                        recall=started[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if self.filtered(lambda recall: recall.state not in ("draft", "cancel")):
            raise UserError(
                self.env._("Only draft or cancelled recalls can be deleted.")
            )

    # ---- scope ------------------------------------------------------------------
    def _serial_recall_scope_fields(self):
        return [
            "serial_input",
            "lot_ids",
            "batch_ids",
            "product_ids",
            "date_basis",
            "date_from",
            "date_to",
            "receipt_ids",
            "vendor_ids",
        ]

    def _serial_recall_has_scope(self):
        self.ensure_one()
        return bool(
            (self.serial_input or "").strip()
            or self.lot_ids
            or self.batch_ids
            or self.product_ids
            or self.receipt_ids
            or self.vendor_ids
        )

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
        foreign = sorted({name for _id, name, cid in rows} - own_names)
        unknown = [name for name in names if name not in {r[1] for r in rows}]
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

    def _serial_recall_scope_queries(self):
        """SQL queries of ``stock_lot.id``, one per criterion of the scope; the
        recall's units are their union. Bridges add theirs (call super)."""
        self.ensure_one()
        queries = []
        lots = self.lot_ids._origin | self._serial_recall_typed_lots()
        self._serial_recall_check_lots(lots)
        if lots:
            queries.append(SQL("SELECT unnest(%s::int[])", lots.ids))
        if self.batch_ids:
            queries.append(
                SQL(
                    "SELECT id FROM stock_lot WHERE batch_id = ANY(%s)",
                    self.batch_ids._origin.ids,
                )
            )
        if self.product_ids:
            column = {
                "receipt": "receipt_date",
                "production": "manufacture_date",
                "delivery": "delivery_date",
            }[self.date_basis or "receipt"]
            where = [SQL("product_id = ANY(%s)", self.product_ids._origin.ids)]
            if self.date_from:
                where.append(SQL("%s >= %s", SQL.identifier(column), self.date_from))
            if self.date_to:
                where.append(
                    SQL("%s < %s::date + 1", SQL.identifier(column), self.date_to)
                )
            queries.append(
                SQL("SELECT id FROM stock_lot WHERE %s", SQL(" AND ").join(where))
            )
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

    def _serial_recall_lots_sql(self, after_id=0, limit=None):
        """The scope as one SQL query of distinct ``stock_lot.id`` of the recall's
        company, by id (``after_id``, ``limit``: one chunk of it)."""
        self.ensure_one()
        queries = self._serial_recall_scope_queries()
        if not queries:
            raise UserError(
                self.env._(
                    "Recall %(recall)s has no scope: list serials or lots, or choose "
                    "batches, products, receipts or vendors.",
                    recall=self.name,
                )
            )
        return SQL(
            """SELECT l.id FROM stock_lot l
                WHERE l.id IN (%(union)s)
                  AND (l.company_id = %(company)s
                       OR l.company_id IS NULL AND EXISTS (
                           SELECT 1 FROM stock_move_line ml
                            WHERE ml.lot_id = l.id AND ml.company_id = %(company)s))
                  AND l.id > %(after)s
             ORDER BY l.id %(limit)s""",
            union=SQL(" UNION ").join(queries),
            company=self.company_id.id,
            after=after_id,
            limit=SQL("LIMIT %s", limit) if limit else SQL(""),
        )

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

    def _serial_recall_preview(self):
        """``{position: units, 'total': units}`` of the scope, nothing written."""
        self.ensure_one()
        self._serial_recall_flush()
        rows = self.env.execute_query(
            split_summary_sql(self._serial_recall_lots_sql(), self.company_id.id)
        )
        counts = {position: units for position, units, _qty, _value in rows}
        total = self.env.execute_query(
            SQL("SELECT COUNT(*) FROM (%s) s", self._serial_recall_lots_sql())
        )[0][0]
        counts["total"] = total
        return counts
