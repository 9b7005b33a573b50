from odoo import models
from odoo.exceptions import AccessError


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _serial_scheme(self, company=None):
        """The serial scheme that applies to this product in ``company`` (or empty)."""
        self.ensure_one()
        return (
            self.env["serial.scheme"]
            ._for_products(self, company)
            .get(self, self.env["serial.scheme"])
        )

    def serial_scheme_next_preview(self, location_id=False, company_id=False):
        """The next serial of this product's scheme, without drawing from its counter,
        or False when no scheme applies (the "New" button of Odoo's Generate Serials
        dialog). ``location_id`` is the destination (its warehouse fills {site});
        the scheme is the one of ``company_id``, else of the location's company, else
        of the current company: the company "Generate" draws from too (see
        ``stock.move.action_generate_lot_line_vals``)."""
        self.ensure_one()
        self.check_access("read")
        location = self.env["stock.location"].browse(location_id).exists()
        company = self.env["res.company"].browse(company_id).exists()
        company = company or location.company_id or self.env.company
        if company not in self.env.companies:
            raise AccessError(
                self.env._(
                    "You cannot preview serials of company %(company)s.",
                    company=company.sudo().display_name,
                )
            )
        scheme = self._serial_scheme(company)
        if not scheme:
            return False
        return scheme._next_preview(self, warehouse=location.warehouse_id)

    def action_open_generate_units(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_scheme.serial_generate_units_action"
        )
        action["context"] = {"default_product_id": self[:1].id}
        return action
