from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from odoo.addons.serial_tracking.models.stock_lot import BLOCKED_UNIT_STATES

from ..tools.recall_sql import HELD_POSITIONS


class SerialRecall(models.Model):
    """The actions of an open recall: quarantine, close, cancel, reopen, and the
    views of its units. Confirming is ``serial.recall.confirm``; the scope,
    ``serial.recall.scope``."""

    _inherit = "serial.recall"

    quarantine_move_count = fields.Integer(
        "Units to Move to Quarantine",
        compute="_compute_quarantine_counts",
        help="Units we hold in stock that are not in quarantine yet.",
    )
    quarantine_block_count = fields.Integer(
        "Units to Block", compute="_compute_quarantine_counts"
    )

    @api.model
    def _serial_recall_movable_domain(self):
        """Lines whose units the Move to Quarantine button moves: held in a
        warehouse (which has a quarantine location), not moved yet, not destroyed
        or closed. The one rule the button's count and its action share."""
        return Domain(
            [
                ("position", "=", "held"),
                ("warehouse_id", "!=", False),
                ("quarantine", "!=", "moved"),
                ("status", "not in", ("destroyed", "closed")),
            ]
        )

    @api.model
    def _serial_recall_blockable_domain(self):
        """Lines whose units the Block in Place button blocks: held by us
        (``HELD_POSITIONS``) and not quarantined yet."""
        return Domain(
            [("position", "in", list(HELD_POSITIONS)), ("quarantine", "=", "none")]
        )

    @api.depends(
        "state",
        "line_ids.position",
        "line_ids.quarantine",
        "line_ids.status",
        "line_ids.warehouse_id",
    )
    def _compute_quarantine_counts(self):
        """What the two quarantine buttons would act on, by their domains."""
        Line = self.env["serial.recall.line"]
        counts = {}
        for name, domain in (
            ("quarantine_move_count", self._serial_recall_movable_domain()),
            ("quarantine_block_count", self._serial_recall_blockable_domain()),
        ):
            groups = Line._read_group(
                domain & Domain("recall_id", "in", self.ids), ["recall_id"], ["__count"]
            )
            counts[name] = dict(groups)
        for recall in self:
            is_open = recall.state == "open"
            for name, by_recall in counts.items():
                recall[name] = by_recall.get(recall, 0) if is_open else 0

    # ---- quarantine -------------------------------------------------------------
    def action_quarantine_block(self):
        """Block the units we hold where they are: quarantined, cannot leave."""
        self.check_access("write")
        self._check_open()
        lines = self.line_ids.filtered_domain(self._serial_recall_blockable_domain())
        if not lines:
            raise UserError(self.env._("No unit we hold is left to quarantine."))
        self._serial_recall_mark_units(lines.lot_id.ids, "quarantined")
        lines._serial_recall_set_quarantine("blocked")
        self.message_post(
            body=self.env._(
                "%(count)s units blocked in place.", count=len(lines.lot_id)
            )
        )
        return True

    def action_quarantine_move(self):
        """Move the units we hold to each warehouse's quarantine location with
        Odoo transfers (one per warehouse), validated at once."""
        self.check_access("write")
        self._check_open()
        lines = self.line_ids.filtered_domain(self._serial_recall_movable_domain())
        if not lines:
            raise UserError(
                self.env._(
                    "No unit of this recall is in stock to move to quarantine "
                    "(units on open deliveries or in transit stay blocked where "
                    "they are)."
                )
            )
        pickings = self.env["stock.picking"]
        for warehouse, wh_lines in lines.grouped("warehouse_id").items():
            pickings |= wh_lines._serial_recall_move_to_quarantine(warehouse)
        self._serial_recall_mark_units(lines.lot_id.ids, "quarantined")
        self.message_post(
            body=self.env._(
                "%(count)s units moved to quarantine: %(pickings)s",
                count=len(lines.lot_id),
                pickings=", ".join(pickings.mapped("name")),
            )
        )
        return True

    # ---- close, cancel, reopen --------------------------------------------------
    def _check_open(self):
        for recall in self:
            if recall.state != "open":
                raise UserError(
                    self.env._("Recall %(recall)s is not open.", recall=recall.name)
                )

    def action_close(self):
        self.check_access("write")
        self._check_open()
        self._serial_recall_release_units()
        self.with_context(serial_recall_internal=True).write(
            {"state": "closed", "close_date": fields.Datetime.now()}
        )
        return True

    def _serial_recall_close_when_done(self):
        """A recall closes by itself once every one of its units is closed."""
        done = self.filtered(
            lambda recall: (
                recall.state == "open"
                and not recall.line_ids.filtered(lambda line: line.status != "closed")
            )
        )
        if done:
            done.action_close()
            for recall in done:
                recall.message_post(
                    body=self.env._("Every unit is closed: the recall is closed.")
                )

    def action_cancel(self):
        self.check_access("write")
        for recall in self:
            if recall.state in ("closed", "cancel"):
                raise UserError(
                    self.env._(
                        "Recall %(recall)s is already closed or cancelled.",
                        recall=recall.name,
                    )
                )
        self._serial_recall_release_units()
        self.with_context(serial_recall_internal=True).write({"state": "cancel"})
        return True

    def action_reopen(self):
        self.check_access("write")
        for recall in self:
            if recall.state != "closed":
                raise UserError(
                    self.env._(
                        "Only a closed recall can be reopened: %(recall)s is not.",
                        recall=recall.name,
                    )
                )
        self.with_context(serial_recall_internal=True).write(
            {"state": "open", "close_date": False}
        )
        for recall in self:
            lines = recall.line_ids.filtered(lambda line: line.status != "closed")
            recall._serial_recall_mark_units(lines.lot_id.ids)
            quarantined = lines.filtered(lambda line: line.quarantine != "none")
            recall._serial_recall_mark_units(quarantined.lot_id.ids, "quarantined")
        return True

    def action_draft(self):
        self.check_access("write")
        for recall in self:
            if recall.state != "cancel":
                raise UserError(
                    self.env._("Only a cancelled recall can be set back to draft.")
                )
        self.line_ids.unlink()
        self.customer_ids.unlink()
        self.with_context(serial_recall_internal=True).write(
            {"state": "draft", "progress_total": 0, "progress_done": 0}
        )
        return True

    def _serial_recall_release_units(self):
        """Units of ``self`` no other open recall holds go back to the state their
        stock says (``stock.lot._refresh_unit_state``)."""
        lots = self.line_ids.lot_id
        others = self.env["serial.recall.line"].search(
            [
                ("lot_id", "in", lots.ids),
                ("recall_id", "not in", self.ids),
                ("recall_id.state", "in", ("open", "computing")),
            ]
        )
        lots -= others.lot_id
        blocked = lots.filtered(lambda lot: lot.unit_state in BLOCKED_UNIT_STATES)
        if not blocked:
            return
        blocked._log_events(
            "released",
            description=self.env._(
                "Recall %(recall)s ended", recall=", ".join(self.mapped("name"))
            ),
        )
        blocked.with_context(serial_release=True)._write_unit_values(
            {lot.id: {"unit_state": "in_stock"} for lot in blocked}
        )
        blocked._refresh_unit_state()

    # ---- views ------------------------------------------------------------------
    def _serial_recall_lines_action(self, domain, name, group_by):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_recall.serial_recall_line_action"
        )
        action["name"] = name
        action["domain"] = [("recall_id", "=", self.id), *domain]
        action["context"] = {
            "default_recall_id": self.id,
            **{f"search_default_group_by_{field}": 1 for field in group_by},
        }
        return action

    def action_view_held(self):
        return self._serial_recall_lines_action(
            [("position", "in", list(HELD_POSITIONS))],
            self.env._("Units With Us"),
            ["warehouse", "location"],
        )

    def action_view_delivered(self):
        return self._serial_recall_lines_action(
            [("position", "=", "delivered")],
            self.env._("Units Delivered"),
            ["customer"],
        )

    def action_view_lines(self):
        return self._serial_recall_lines_action([], self.env._("Units"), ["position"])
