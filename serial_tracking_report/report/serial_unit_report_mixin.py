from odoo import fields, models


class SerialUnitReportMixin(models.AbstractModel):
    """Columns every one-row-per-unit report shares: the unit, its product and
    category, the company whose currency values it."""

    _name = "serial.unit.report.mixin"
    _inherit = "serial.report.query.mixin"
    _description = "Serial Unit Report Columns"

    lot_id = fields.Many2one("stock.lot", "Serial Unit", readonly=True)
    name = fields.Char("Serial", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
