from odoo import fields, models


class SerialRecallLine(models.Model):
    _inherit = "serial.recall.line"

    sale_line_id = fields.Many2one("sale.order.line", "Sale Order Line")
    sale_value = fields.Monetary(
        help="What the customer paid for the delivered units (untaxed, after "
        "discount), in the company's currency.",
    )
