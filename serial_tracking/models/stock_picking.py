import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import columns, transfer_date

BACKGROUND_MIN_LINES_PARAM = "serial_tracking.background_validation_min_lines"
BACKGROUND_MIN_LINES_DEFAULT = 20000
# Context keys of the pre-validation wizards that the background run must replay.
REPLAYED_KEYS = (
    "cancel_backorder",
    "picking_ids_not_to_backorder",
    "skip_backorder",
    "skip_expired",
    "skip_sanity_check",
)
BUSY_STATES = ("queued", "running")


class StockPicking(models.Model):
    # The background validation's worker (cron, queue, notifications) is a mixin.
    _name = "stock.picking"
    _inherit = ("stock.picking", "serial.background.validation.mixin")

    serial_unit_count = fields.Integer("Units", compute="_compute_serial_unit_count")
    serial_handling_instructions = fields.Text(
        "Handling Instructions", compute="_compute_serial_handling_instructions"
    )

    def _compute_serial_unit_count(self):
        groups = self.env["stock.move.line"]._read_group(
            [
                ("picking_id", "in", self.ids),
                ("lot_id.product_id.tracking", "=", "serial"),
            ],
            ["picking_id"],
            ["lot_id:count_distinct"],
        )
        counts = dict(groups)
        for picking in self:
            picking.serial_unit_count = counts.get(picking, 0)

    def _compute_serial_handling_instructions(self):
        groups = self.env["stock.move.line"]._read_group(
            [
                ("picking_id", "in", self.ids),
                ("lot_id.handling_instructions", "!=", False),
            ],
            ["picking_id"],
            ["lot_id:recordset"],
        )
        by_picking = dict(groups)
        for picking in self:
            lots = by_picking.get(picking, self.env["stock.lot"])
            picking.serial_handling_instructions = (
                "\n".join(f"{lot.name}: {lot.handling_instructions}" for lot in lots)
                or False
            )

    def _get_lot_move_lines_for_sanity_check(
        self, none_done_picking_ids, separate_pickings=True
    ):
        """Odoo's lines to check for a missing serial (tracked, picked, of a
        quantity), the same lines in the same order, their values read from the
        cache in bulk: Odoo reads five fields line by line (10,000 lines: 0.2 s).
        Odoo 19 passes no picking without quantities; if one comes, Odoo's way."""
        if none_done_picking_ids:
            return super()._get_lot_move_lines_for_sanity_check(
                none_done_picking_ids, separate_pickings
            )
        if separate_pickings:
            ids = [
                line_id for picking in self for line_id in picking.move_line_ids._ids
            ]
        else:
            ids = self.move_line_ids._ids
        lines = self.env["stock.move.line"].browse(ids)
        products = columns.cache_values(lines, "product_id")
        tracked = {
            product.id
            for product in self.env["product.product"].browse(set(products) - {None})
            if product.tracking != "none"
        }
        UoM = self.env["uom.uom"]
        nonzero = {}
        keep = []
        for line_id, product_id, picked, quantity, uom_id in zip(
            lines._ids,
            products,
            *(
                columns.cache_values(lines, fname)
                for fname in ("picked", "quantity", "product_uom_id")
            ),
            strict=True,
        ):
            if product_id not in tracked or not picked:
                continue
            if (uom_id, quantity) not in nonzero:
                uom = UoM.browse(uom_id) if uom_id else UoM
                nonzero[uom_id, quantity] = bool(uom.compare(quantity, 0))
            if nonzero[uom_id, quantity]:
                keep.append(line_id)
        return lines.browse(keep)

    def _pre_action_done_hook(self):
        # Before any confirmation wizard (backorder, expiry): the refusal comes first.
        self._serial_check_blocked_units()
        return super()._pre_action_done_hook()

    def _check_expired_lots(self):
        """Product_expiry's transfers with an expired unit (alert) or line
        (removal date passed): none when no line has a unit or a removal date,
        told from their values read from the cache in bulk (a big receipt's lines
        get their units at validation: Odoo reads them line by line, 10,000 lines
        0.1-0.2 s). Else, and on Odoo's own path of validation (context
        ``serial_fast_off``), Odoo's own check."""
        if self.env.context.get("serial_fast_off"):
            return super()._check_expired_lots()
        lines = self.move_line_ids
        if not any(columns.cache_values(lines, "lot_id")) and not any(
            columns.cache_values(lines, "removal_date")
        ):
            return self.browse()
        return super()._check_expired_lots()

    def _action_done(self):
        self._serial_check_blocked_units()
        # The timeline events and unit states of the moves done here are written
        # once the transfer has its date of transfer, which Odoo gives every move
        # line again: so the lines are written to the database once, not twice.
        done_move_ids = []
        # A fast path pins the date of transfer (see tools/transfer_date.py).
        holder = {}
        ctx = {"serial_units_after_transfer": done_move_ids, transfer_date.KEY: holder}
        res = super(StockPicking, self.with_context(**ctx))._action_done()
        # With the fast path's record of the units it settled.
        self.env["stock.move"].with_context(**{transfer_date.KEY: holder}).browse(
            done_move_ids
        )._serial_units_done()
        return res

    def _serial_check_blocked_units(self):
        """Refuse to validate a delivery that ships a blocked unit (quarantined,
        recalled): see ``stock.lot._serial_block_messages``. A delivery is an outgoing
        transfer, or any line that sends a unit to a customer.

        The units of all lines are asked once: the lines that ship one are looked
        for only when a unit is blocked (a big delivery has thousands of lines, and
        usually none)."""
        lines = self.move_line_ids
        messages = lines.lot_id._serial_block_messages()
        if not messages:
            return
        shipped = lines.filtered(
            lambda line: (
                line.lot_id.id in messages
                and line.quantity > 0
                and line.state not in ("done", "cancel")
                and (
                    line.picking_code == "outgoing"
                    or line.location_dest_id.usage == "customer"
                )
            )
        )
        if shipped:
            raise UserError(
                self.env._(
                    "This delivery cannot be validated:\n%(reasons)s",
                    reasons="\n".join(
                        f" - {messages[lot.id]}" for lot in shipped.lot_id
                    ),
                )
            )

    def action_view_serial_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.stock_lot_action_serial_units"
        )
        action["domain"] = [("id", "in", self.move_line_ids.lot_id.ids)]
        action["context"] = {"search_default_group_by_product": 1}
        return action

    # ----------------------------------------------------------------------------
    # Big transfers validate in the background.
    #
    # ``button_validate`` on transfers of at least
    # ``serial_tracking.background_validation _min_lines`` move lines runs Odoo's checks
    # and pre-validation wizards in the request, then queues the transfers and triggers
    # the cron ``ir_cron_serial_validate``: the browser gets an answer at once, the
    # transfers are locked against edits while queued or running, the cron validates
    # them one per transaction (``FOR UPDATE SKIP LOCKED``, so several workers never
    # take the same one) as the user who asked, reports progress, and tells that user
    # when each is done or why it failed.

    serial_validation_state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Validating"),
            ("failed", "Failed"),
        ],
        "Background Validation",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    serial_validation_user_id = fields.Many2one(
        "res.users", "Validation Requested By", readonly=True, copy=False
    )
    serial_validation_context = fields.Text(readonly=True, copy=False)
    serial_validation_error = fields.Text(readonly=True, copy=False)
    serial_validation_done = fields.Integer(
        "Units Validated", compute="_compute_serial_validation_progress"
    )
    serial_validation_total = fields.Integer(
        "Units to Validate", compute="_compute_serial_validation_progress"
    )

    @api.depends("serial_validation_state")
    def _compute_serial_validation_progress(self):
        """Read from ``serial.validation.progress``, which the validating
        transaction updates through a cursor of its own."""
        progress = {
            row.picking_id: row
            for row in self.env["serial.validation.progress"].search(
                [("picking_id", "in", self.ids)]
            )
        }
        for picking in self:
            row = progress.get(picking)
            picking.serial_validation_done = row.done if row else 0
            picking.serial_validation_total = row.total if row else 0

    def write(self, vals):
        self._serial_check_not_busy()
        vals = transfer_date.with_pinned(self.env, vals, "date_done")
        return super().write(vals)

    def _serial_check_not_busy(self):
        if self.env.context.get("serial_background_validation"):
            return
        busy = self.filtered(lambda p: p.serial_validation_state in BUSY_STATES)
        if busy:
            raise UserError(
                self.env._(
                    "%(pickings)s is being validated in the background: it cannot be "
                    "changed until that is done.",
                    pickings=", ".join(busy.mapped("display_name")),
                )
            )

    @api.model
    def _serial_background_min_lines(self):
        value = (
            self.env["ir.config_parameter"].sudo().get_param(BACKGROUND_MIN_LINES_PARAM)
        )
        try:
            return int(value) if value else BACKGROUND_MIN_LINES_DEFAULT
        except ValueError:
            return BACKGROUND_MIN_LINES_DEFAULT

    def button_validate(self):
        ctx = self.env.context
        todo = self.filtered(lambda p: p.state != "done")
        if (
            ctx.get("serial_background_validation")
            or not todo
            or self.env["stock.move.line"].search_count(
                [("picking_id", "in", todo.ids)]
            )
            < self._serial_background_min_lines()
        ):
            return super().button_validate()
        todo._serial_check_not_busy()
        # Odoo's checks and wizards (backorder, expired units...) answer now.
        draft = todo.filtered(lambda p: p.state == "draft")
        draft.action_confirm()
        if not ctx.get("skip_sanity_check"):
            todo._sanity_check()
        checked = todo.with_context(button_validate_picking_ids=todo.ids)
        res = checked._pre_action_done_hook()
        if res is not True:
            return res
        replay = {key: ctx[key] for key in REPLAYED_KEYS if key in ctx}
        todo.with_context(serial_background_validation=True).write(
            {
                "serial_validation_state": "queued",
                "serial_validation_user_id": self.env.uid,
                "serial_validation_context": json.dumps(replay),
                "serial_validation_error": False,
            }
        )
        self.env["serial.validation.progress"]._serial_reset(todo)
        self.env.ref("serial_tracking.ir_cron_serial_validate").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Validation started"),
                "message": self.env._(
                    "%(pickings)s is validated in the background; you will be "
                    "notified when it is done.",
                    pickings=", ".join(todo.mapped("display_name")),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_serial_retry_validation(self):
        """Queue a failed background validation again."""
        self.filtered(lambda p: p.serial_validation_state == "failed").with_context(
            serial_background_validation=True
        ).write({"serial_validation_state": False})
        return self.button_validate()
