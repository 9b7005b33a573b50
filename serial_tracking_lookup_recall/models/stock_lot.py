from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _serial_lookup_recall_info(self):
        """The public words of the unit's open recall: its reference and title, and
        what customers must do (the recall's *customer instructions*, as printed in
        its notices). Nothing else of the recall is read: not its reason, lines,
        customers or notes. Without an open recall, the lookup's default (the
        company's recall text)."""
        info = super()._serial_lookup_recall_info()
        recall = self._serial_open_recalls().get(self.id)
        if not recall:
            return info
        return {
            **info,
            "title": self.env._(
                "Recall %(reference)s: %(title)s",
                reference=recall.name,
                title=recall.title,
            ),
            "instructions": recall.customer_instructions or info.get("instructions"),
        }
