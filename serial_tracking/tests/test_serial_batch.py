from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialBatch(SerialTrackingCommon):
    def test_units_take_dates_from_their_batch(self):
        self.scanner.use_expiration_date = True
        batch = self.env["serial.batch"].create(
            {
                "name": "RUN-1",
                "product_id": self.scanner.id,
                "manufacture_date": date(2026, 1, 5),
                "expiration_date": datetime(2031, 1, 5, 12, 0),
            }
        )
        lots = self.env["stock.lot"].create(
            [
                {
                    "name": f"SN-BA{i}",
                    "product_id": self.scanner.id,
                    "batch_id": batch.id,
                }
                for i in range(3)
            ]
        )
        self.assertEqual(set(lots.mapped("manufacture_date")), {date(2026, 1, 5)})
        self.assertEqual(
            set(lots.mapped("expiration_date")), {datetime(2031, 1, 5, 12, 0)}
        )
        self.assertEqual(batch.unit_count, 3)
        action = batch.action_view_units()
        self.assertEqual(self.env["stock.lot"].search(action["domain"]), lots)

    def test_unit_without_batch_keeps_product_expiry(self):
        lot = self.env["stock.lot"].create(
            {"name": "LOT-X", "product_id": self.reagent.id}
        )
        self.assertTrue(lot.expiration_date)

    def test_batch_number_unique_per_product(self):
        self.env["serial.batch"].create(
            {"name": "RUN-2", "product_id": self.scanner.id}
        )
        self.env["serial.batch"].create(
            {"name": "RUN-2", "product_id": self.printer.id}
        )
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.env["serial.batch"].create(
                {"name": "RUN-2", "product_id": self.scanner.id}
            )
