from odoo import api, models

from ..tools.gs1 import gtin_variants

GTIN_LENGTHS = (8, 12, 13, 14)


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _serial_barcode_forms(self, text):
        """The barcodes ``text`` is when it is a product's: itself and, for a
        digit-only text of GTIN length, every form of that GTIN."""
        forms = {text}
        if text.isdigit() and len(text) in GTIN_LENGTHS:
            forms.update(gtin_variants(text.zfill(14)))
        return forms

    @api.model
    def _serial_barcode_products(self, texts):
        """Which of ``texts`` is the barcode of a product (archived ones included):
        ``{text: product.product}``. A digit-only text of GTIN length matches every
        form of that GTIN (``09506000134352`` is the barcode ``9506000134352``, see
        :func:`~odoo.addons.serial_tracking.tools.gs1.gtin_variants`).

        Scanning the product's EAN instead of the unit's serial label is the most
        common mistake at a receiving dock: capture and receive-by-scan refuse such
        a serial with the product's name. One query for all texts.
        """
        forms = {}
        for text in {text.strip() for text in texts if text and text.strip()}:
            for candidate in self._serial_barcode_forms(text):
                forms.setdefault(candidate, set()).add(text)
        if not forms:
            return {}
        found = {}
        products = self.with_context(active_test=False).search_fetch(
            [("barcode", "in", list(forms))], ["barcode"], order="id"
        )
        for product in products:
            for text in forms[product.barcode]:
                found.setdefault(text, product)
        return {
            text: found[text]
            for text in texts
            if text and text.strip() and text.strip() in found
        }
