from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.serial_tracking_barcode.tools.scan_sql import units_sql

from ..tools.count_scan_sql import count_units_sql
from .common import SerialCountCommon

# What decide_stock_count reads of a unit (and the flow shows of it).
DECIDED = (
    "id",
    "name",
    "product_id",
    "unit_state",
    "expiration_date",
    "lot_company_id",
    "tracking",
    "product_name",
    "quant_id",
)


@tagged("post_install", "-at_install", "serial_tracking")
class TestCountUnitsSql(SerialCountCommon):
    def test_same_facts_as_the_engine_lookup(self):
        """The count's own lookup of a serial (``count_units_sql``) gives the
        facts the count decides on as the engine's ``units_sql`` does: a unit
        here (with a second quant elsewhere), one on another shelf, one at the
        customer's, two units of one name, a name nothing has."""
        count = self._count()
        h1, h2 = self.h_lots[:2]
        self.env["stock.quant"]._update_available_quantity(
            self.scanner, self.there, 1, lot_id=h1
        )
        twin = self.env["product.product"].create(
            {"name": "Twin", "is_storable": True, "tracking": "serial"}
        )
        self.env["stock.lot"].create({"name": h2.name, "product_id": twin.id})
        self.env.flush_all()
        info = {
            "id": None,
            "company_id": count.company_id.id,
            "parent_path": count.location_id.parent_path,
            "lang": "en_US",
        }
        for code in (h1.name, h2.name, "T1", "D1", "NOTHING"):
            ours = self.env.execute_query_dict(
                SQL(
                    """SELECT u.* FROM serial_count p
                         JOIN stock_location cl ON cl.id = p.location_id,
                      LATERAL (%s) u
                        WHERE p.id = %s ORDER BY u.id""",
                    count_units_sql(code, "en_US"),
                    count.id,
                )
            )
            engine = self.env.execute_query_dict(
                SQL(
                    "SELECT * FROM (%s) u ORDER BY u.id",
                    units_sql(SQL("lot.name = %s", code), info, SQL("NULL::json")),
                )
            )
            self.assertEqual(
                [{key: row[key] for key in DECIDED} for row in ours],
                [{key: row[key] for key in DECIDED} for row in engine],
                code,
            )
            self.assertEqual(len(ours), {h2.name: 2, "NOTHING": 0}.get(code, 1))
        self.assertTrue(
            self.env.execute_query(
                SQL(
                    "SELECT 1 FROM stock_quant WHERE lot_id = %s AND quantity > 0 "
                    "AND location_id = %s",
                    h1.id,
                    self.there.id,
                )
            )
        )
