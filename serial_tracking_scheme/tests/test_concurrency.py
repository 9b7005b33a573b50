import threading

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "serial_tracking")
class TestConcurrentGeneration(TransactionCase):
    """Two workers draw serials from the same scheme at the same time, each in its own
    database transaction (real cursors, committed): no serial is handed out twice.

    Not on the fixture family: the workers' cursors only see committed records, and
    the family's live in the test's own transaction, so this class commits its own."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {
                    "name": "Concurrency product",
                    "default_code": "CONC",
                    "is_storable": True,
                    "tracking": "serial",
                }
            )
            scheme = env["serial.scheme"].create(
                {
                    "name": "concurrency",
                    "pattern": "{product}-{counter:7}{check}",
                    "product_id": product.id,
                }
            )
            self.product_id, self.scheme_id = product.id, scheme.id
            self.sequence_id = scheme.sequence_id.id
        self.addCleanup(self._drop)

    def _drop(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["stock.lot"].search([("product_id", "=", self.product_id)]).unlink()
            env["serial.scheme"].browse(self.scheme_id).unlink()
            env["ir.sequence"].browse(self.sequence_id).unlink()
            env["product.product"].browse(self.product_id).unlink()

    def test_two_cursors_never_share_a_serial(self):
        rounds, per_round = 20, 50
        results, errors = {}, []
        barrier = threading.Barrier(2)

        def worker(key):
            try:
                names = []
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    scheme = env["serial.scheme"].browse(self.scheme_id)
                    product = env["product.product"].browse(self.product_id)
                    barrier.wait(timeout=30)
                    for _round in range(rounds):
                        batch = scheme._generate_names(product, per_round)
                        env["stock.lot"]._serial_bulk_create(
                            [
                                {
                                    "name": name,
                                    "product_id": product.id,
                                    "company_id": scheme.company_id.id,
                                }
                                for name in batch
                            ]
                        )
                        names += batch
                        # Real commits: the point is two live transactions.
                        cr.commit()  # pylint: disable=invalid-commit
                results[key] = names
            except Exception as error:  # noqa: BLE001 (reported by the main thread)
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(key,)) for key in "AB"]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors, errors)
        everything = results["A"] + results["B"]
        self.assertEqual(len(everything), 2 * rounds * per_round)
        self.assertEqual(len(set(everything)), len(everything))
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*), count(DISTINCT name) FROM stock_lot "
                "WHERE product_id = %s",
                [self.product_id],
            )
            self.assertEqual(cr.fetchone(), (len(everything), len(everything)))
