from odoo import fields, models
from odoo.tools import SQL


class SerialWarrantyReport(models.Model):
    """Delivered units still under warranty, one row per unit: the customer that
    has it, the month its warranty ends and its cost, i.e. the value its delivery
    took out of stock (``stock.move.value`` per unit of the unit's last delivery,
    stored on the unit as ``delivery_move_id``: no look-up of its move lines).
    Grouped by month, product and customer it is what a company provisions for."""

    _name = "serial.warranty.report"
    _inherit = "serial.unit.report.mixin"
    _description = "Serial Warranty Exposure"
    _auto = False
    _order = "warranty_end_date, id"
    _rec_name = "name"

    customer_id = fields.Many2one("res.partner", readonly=True)
    delivery_date = fields.Datetime(readonly=True)
    warranty_end_date = fields.Date("Warranty End", readonly=True)
    warranty_end_month = fields.Date("Warranty Ends In", readonly=True)
    unit_count = fields.Integer("Units", readonly=True)
    value = fields.Monetary("Cost", readonly=True)

    _depends = {  # noqa: RUF012 (Odoo reads it from the class)
        "stock.lot": [
            "name",
            "product_id",
            "company_id",
            "unit_state",
            "customer_id",
            "delivery_date",
            "delivery_move_id",
            "warranty_end_date",
        ],
        "stock.move": ["value", "quantity", "company_id"],
        "res.partner": ["commercial_partner_id"],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT lot.id, lot.id AS lot_id, lot.name, lot.product_id, pt.categ_id,
                   company.id AS company_id, company.currency_id,
                   partner.commercial_partner_id AS customer_id,
                   lot.delivery_date, lot.warranty_end_date,
                   date_trunc('month', lot.warranty_end_date)::date
                       AS warranty_end_month,
                   1 AS unit_count,
                   COALESCE(out.value / NULLIF(out.quantity, 0), 0) AS value
              FROM stock_lot lot
              JOIN product_product pp ON pp.id = lot.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN res_partner partner ON partner.id = lot.customer_id
         LEFT JOIN stock_move out ON out.id = lot.delivery_move_id
         LEFT JOIN res_company company
                ON company.id = COALESCE(lot.company_id, out.company_id)
             WHERE pt.tracking = 'serial' AND lot.unit_state = 'delivered'
               AND lot.warranty_end_date >= %(today)s
            """,
            today=fields.Date.context_today(self),
        )
