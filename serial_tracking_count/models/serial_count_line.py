from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from odoo.addons.serial_tracking.tools import gs1
from odoo.addons.serial_tracking.tools.text import (
    describe_characters,
    unprintable_characters,
)


class SerialCountLine(models.Model):
    """One saved scan of a count. Serial units are one row each, unique per count
    (a double scan, by one person or two at once, is refused by the database);
    batches and untracked products are one row per scan, summed up, so two people
    counting the same batch only ever insert."""

    _name = "serial.count.line"
    _description = "Serial Count Scan"
    _order = "id desc"

    count_id = fields.Many2one(
        "serial.count", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="count_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    lot_id = fields.Many2one("stock.lot", "Unit or Batch", index="btree_not_null")
    lot_name = fields.Char(
        "Unknown Serial or Batch",
        help="A serial or batch read from a GS1 barcode that no unit has yet.",
    )
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit")
    is_serial = fields.Boolean(readonly=True)
    user_id = fields.Many2one(
        "res.users", "Counted by", default=lambda self: self.env.user, required=True
    )

    _unit_uniq = models.UniqueIndex(
        "(count_id, lot_id) WHERE is_serial AND lot_id IS NOT NULL",
        "This unit is already counted.",
    )
    _unknown_uniq = models.UniqueIndex(
        "(count_id, product_id, lot_name) WHERE is_serial AND lot_id IS NULL",
        "This serial is already counted.",
    )
    _quantity_positive = models.Constraint(
        "CHECK (quantity > 0)", "A counted quantity must be positive."
    )

    @api.model
    def _resolve_code(self, code, company):
        """The values of the scan row a scanned ``code`` makes, tried in order: a
        unit or batch by its codes, a product barcode (untracked products), a GS1
        barcode naming a serial or batch no unit has yet. Raises ``UserError``
        with the reason when the code cannot be counted."""
        code = (code or "").strip()
        if not code:
            raise UserError(self.env._("Scan a barcode."))
        bad = unprintable_characters(code)
        if bad:
            raise UserError(
                self.env._(
                    "The scanned code contains control characters (%(chars)s); "
                    "nothing was counted.",
                    chars=describe_characters(bad),
                )
            )
        company_domain = Domain("company_id", "in", [company.id, False])
        lots = self.env["stock.lot"].search(
            self.env["stock.lot"]._serial_code_domain(code, "=") & company_domain,
            limit=2,
        )
        if len(lots) > 1:
            raise UserError(
                self.env._(
                    "%(code)s names several units (%(units)s); scan its GS1 label.",
                    code=code,
                    units=", ".join(lots.mapped("display_name")),
                )
            )
        if lots:
            return self._lot_vals(lots)
        data = None
        if gs1.looks_like_gs1(code):
            try:
                data = gs1.decode(code)
            except gs1.Gs1Error as error:
                raise UserError(
                    self.env._(
                        "Unreadable GS1 barcode %(code)s: %(error)s",
                        code=code,
                        error=error,
                    )
                ) from error
        gtin = data.gtin if data else (code.zfill(14) if code.isdigit() else None)
        product = self.env["product.product"]
        if gtin and len(gtin) == 14:
            product = product.search(
                [("barcode", "in", gs1.gtin_variants(gtin))]
                + [("company_id", "in", [company.id, False])],
                limit=1,
            )
        if not product:
            product = product.search(
                [("barcode", "=", code), ("company_id", "in", [company.id, False])],
                limit=1,
            )
        if not product:
            raise UserError(
                self.env._(
                    "Unknown code %(code)s: no unit, batch or product has it.",
                    code=code,
                )
            )
        if not product.is_storable:
            raise UserError(
                self.env._(
                    "%(product)s is not a stored product.", product=product.display_name
                )
            )
        name = data and (data.serial if product.tracking == "serial" else data.batch)
        if product.tracking != "none" and not name:
            raise UserError(
                self.env._(
                    "This is the product barcode of %(product)s; scan the unit's "
                    "serial label or the batch label.",
                    product=product.display_name,
                )
            )
        if product.tracking == "none":
            return {"product_id": product.id, "is_serial": False}
        lot = self.env["stock.lot"].search(
            [("product_id", "=", product.id), ("name", "=", name)]
            + [("company_id", "in", [company.id, False])],
            limit=1,
        )
        if lot:
            return self._lot_vals(lot)
        return {
            "product_id": product.id,
            "lot_name": name,
            "is_serial": product.tracking == "serial",
        }

    @api.model
    def _lot_vals(self, lot):
        if lot.product_id.tracking == "none" or not lot.product_id.is_storable:
            raise UserError(
                self.env._(
                    "%(lot)s is not a stored, tracked product's unit or batch.",
                    lot=lot.display_name,
                )
            )
        return {
            "product_id": lot.product_id.id,
            "lot_id": lot.id,
            "is_serial": lot.product_id.tracking == "serial",
        }
