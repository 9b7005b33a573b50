from datetime import datetime, time, timedelta

from odoo import fields
from odoo.tools import SQL

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


class SerialReportCommon(SerialTrackingCommon):
    """Report fixtures on top of ``SerialTrackingCommon``.

    - ``cls.today`` and ``_days_ago(n)``: dates of the story;
    - ``_product(cost_method, lot_valuated, price)``: a serial product in a category
      of its own with that costing method;
    - ``_backdate(pickings, day)``: moves, move lines (and the timeline) of done
      pickings as if validated at noon of ``day``; the units' dates follow.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)

    @classmethod
    def _days_ago(cls, days):
        return cls.today - timedelta(days=days)

    @classmethod
    def _product(cls, cost_method, lot_valuated, price, name=None, company=None):
        category = cls.env["product.category"].create(
            {
                "name": f"Serial {cost_method} {lot_valuated}",
                "property_cost_method": cost_method,
            }
        )
        return cls.env["product.product"].create(
            {
                "name": name or f"Unit {cost_method} {lot_valuated}",
                "is_storable": True,
                "tracking": "serial",
                "categ_id": category.id,
                "lot_valuated": lot_valuated,
                "standard_price": price,
                "company_id": company and company.id,
            }
        )

    def _backdate(self, pickings, day, product_values=None):
        when = datetime.combine(day, time(12, 0))
        moves = pickings.move_ids
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE stock_move SET date = %(when)s WHERE id = ANY(%(moves)s);
                UPDATE stock_move_line SET date = %(when)s
                 WHERE move_id = ANY(%(moves)s);
                UPDATE serial_event SET date = %(when)s WHERE move_id = ANY(%(moves)s);
                """,
                when=when,
                moves=moves.ids,
            )
        )
        if product_values:
            self.env.cr.execute(
                SQL(
                    "UPDATE product_value SET date = %s WHERE id = ANY(%s)",
                    when,
                    product_values.ids,
                )
            )
        self.env.invalidate_all()
        moves.move_line_ids.lot_id._refresh_unit_state()
