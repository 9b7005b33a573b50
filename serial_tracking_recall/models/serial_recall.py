from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.serial_tracking.tools.smart_buttons import related_counts

from ..tools.recall_sql import HELD_POSITIONS
from .serial_recall_scope import SCOPE_FIELDS

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
    _inherit = (
        "mail.thread",
        "mail.activity.mixin",
        "serial.recall.scope",
        "serial.recall.confirm",
    )
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

    @api.depends(*SCOPE_FIELDS, "state")
    def _compute_preview(self):
        for recall in self:
            counts = {}
            if recall.state == "draft":
                try:
                    counts = recall._serial_recall_preview()
                except UserError:  # no scope yet, or a serial that does not exist
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
        customers = related_counts(self, "serial.recall.customer", "recall_id")
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
            self._serial_recall_check_not_done()
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

    def _serial_recall_check_not_done(self):
        """Refuse changes to a closed or cancelled recall (and to its units)."""
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
