from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.committed import CommittedCase


@tagged("post_install", "-at_install", "serial_tracking")
class TestConcurrentGeneration(CommittedCase):
    """Two workers draw serials from the same scheme at the same time, each in its own
    database transaction (real cursors, committed): no serial is handed out twice.

    Not on the fixture family: the workers' cursors only see committed records, and
    the family's live in the test's own transaction, so this class commits its own."""

    def setUp(self):
        super().setUp()
        with self.committed() as env:
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
        with self.committed() as env:
            env["stock.lot"].search([("product_id", "=", self.product_id)]).unlink()
            env["serial.scheme"].browse(self.scheme_id).unlink()
            env["ir.sequence"].browse(self.sequence_id).unlink()
            env["product.product"].browse(self.product_id).unlink()

    def test_two_cursors_never_share_a_serial(self):
        rounds, per_round = 20, 50

        def worker(env):
            names = []
            scheme = env["serial.scheme"].browse(self.scheme_id)
            product = env["product.product"].browse(self.product_id)
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
                env.cr.commit()  # pylint: disable=invalid-commit
            return names

        results = self.together([worker, worker])
        for result in results:
            self.assertIsInstance(result, list, result)
        everything = results[0] + results[1]
        self.assertEqual(len(everything), 2 * rounds * per_round)
        self.assertEqual(len(set(everything)), len(everything))
        with self.committed() as env:
            env.cr.execute(
                "SELECT count(*), count(DISTINCT name) FROM stock_lot "
                "WHERE product_id = %s",
                [self.product_id],
            )
            self.assertEqual(env.cr.fetchone(), (len(everything), len(everything)))
