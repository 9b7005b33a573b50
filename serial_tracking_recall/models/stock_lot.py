from odoo import fields, models
from odoo.tools import SQL

OPEN_RECALL_STATES = ("computing", "open")


class StockLot(models.Model):
    _inherit = "stock.lot"

    recall_line_ids = fields.One2many("serial.recall.line", "lot_id", "Recalls")
    open_recall_id = fields.Many2one(
        "serial.recall",
        compute="_compute_open_recall_id",
        help="The open recall this unit is part of.",
    )

    def _compute_open_recall_id(self):
        recalls = self._serial_open_recalls()
        for lot in self:
            lot.open_recall_id = recalls.get(lot.id, False)

    def _serial_open_recalls(self):
        """``{lot_id: serial.recall}`` of the units of ``self`` in an open recall
        (the latest one): one query, whatever the user may read."""
        if not self.ids:
            return {}
        self.env["serial.recall.line"].flush_model(["lot_id", "recall_id"])
        self.env["serial.recall"].flush_model(["state"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT ON (line.lot_id) line.lot_id, line.recall_id
                     FROM serial_recall_line line
                     JOIN serial_recall r ON r.id = line.recall_id
                    WHERE line.lot_id = ANY(%s) AND r.state IN %s
                      AND line.status != 'closed'
                 ORDER BY line.lot_id, line.recall_id DESC""",
                self.ids,
                OPEN_RECALL_STATES,
            )
        )
        Recall = self.env["serial.recall"].sudo()
        return {lot_id: Recall.browse(recall_id) for lot_id, recall_id in rows}

    def _serial_block_messages(self):
        messages = super()._serial_block_messages()
        recalls = self._serial_open_recalls()
        for lot in self:
            recall = recalls.get(lot.id)
            if recall:
                messages[lot.id] = self.env._(
                    "Serial %(serial)s is under recall %(recall)s (%(title)s) and "
                    "cannot leave the warehouse.",
                    serial=lot.name,
                    recall=recall.name,
                    title=recall.title,
                )
        return messages

    def action_view_recalls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_recall.serial_recall_action"
        )
        action["domain"] = [("line_ids.lot_id", "=", self.id)]
        return action
