from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    serial_code = fields.Char(
        help="Short code the {category} token of serial schemes puts in serials.",
    )
    serial_scheme_ids = fields.One2many("serial.scheme", "categ_id", "Serial Schemes")
