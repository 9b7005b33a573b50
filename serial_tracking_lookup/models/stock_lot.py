from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.serial_tracking.tools.smart_buttons import (
    related_action,
    set_related_counts,
)

WARRANTY_STATES = [
    ("active", "Under warranty"),
    ("expired", "Warranty expired"),
    ("not_sold", "Not yet sold"),
    ("none", "No warranty"),
]


class StockLot(models.Model):
    _inherit = "stock.lot"

    lookup_clone_date = fields.Datetime(
        "Suspected Clone Since",
        readonly=True,
        copy=False,
        help="Set when the unit's label was looked up from many different addresses "
        "in a short time (see the lookup settings): its label may have been copied.",
    )
    lookup_count = fields.Integer("Lookups", compute="_compute_lookup_count")

    # the public lookup finds a unit by product and serial: one index probe
    _serial_lookup_product_name_index = models.Index("(product_id, name)")

    def _compute_lookup_count(self):
        set_related_counts(self, "lookup_count", "serial.lookup.log", "lot_id")

    def action_view_lookups(self):
        # the log is written by the lookup only: no default for a new row
        return related_action(
            self,
            "serial_tracking_lookup.serial_lookup_log_action",
            "lot_id",
            default_lot_id=False,
        )

    def action_clear_clone_flag(self):
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(
                self.env._("Only inventory administrators can clear a clone alert.")
            )
        flagged = self.filtered("lookup_clone_date")
        flagged._log_events(
            "note",
            description=self.env._(
                "Suspected clone alert cleared by %(user)s.", user=self.env.user.name
            ),
        )
        flagged.write({"lookup_clone_date": False})

    # ---- public lookup ------------------------------------------------------------
    def _serial_lookup_verdict(self):
        """What the public lookup says of this unit once its serial and code are
        verified: ``genuine``, ``recalled`` or ``not_verified``.

        A scrapped unit no longer exists: a label of it in circulation is not
        vouched for. Override to refine (call super for the base rules)."""
        self.ensure_one()
        if self.unit_state == "recalled":
            return "recalled"
        if self.unit_state == "scrapped":
            return "not_verified"
        return "genuine"

    def _serial_lookup_recall_info(self):
        """Public recall information of this recalled unit, for the lookup page and
        its JSON: a dict with any of ``title`` (short text), ``instructions`` (plain
        text, line breaks kept) and ``url`` (an http(s) page with details).

        Empty here: the page then shows the company's recall text. A recall addon
        overrides it (called as superuser on one unit, in the visitor's language,
        ``self.env.lang``). Only those three keys are published, and what they say
        is public: never a customer's name, address, order or delivery.
        """
        self.ensure_one()
        return {}

    def _serial_warranty_status(self, today=None):
        """``(status, end date)`` of this unit's warranty on ``today`` (default: the
        current date): ``active`` until the end date, ``expired`` since it,
        ``not_sold`` (never delivered: the warranty has not started), ``none`` (its
        product has no warranty period)."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        if not self.product_id.product_tmpl_id.warranty_months:
            return "none", False
        if not self.warranty_end_date:
            return "not_sold", False
        if self.warranty_end_date >= today:
            return "active", self.warranty_end_date
        return "expired", self.warranty_end_date

    @api.model
    def _serial_lookup_fields(self):
        """Fields of a unit the lookup reads (one fetch for the candidates)."""
        return [
            "name",
            "product_id",
            "company_id",
            "unit_state",
            "manufacture_date",
            "warranty_end_date",
            "batch_id",
            "lookup_clone_date",
        ]
