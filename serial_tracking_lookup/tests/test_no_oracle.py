from odoo.tests import tagged

from ..tools import digital_link as dl
from .common import AUTH_GTIN, SCANNER_GTIN, LookupCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestNoOracle(LookupCommon):
    """An unknown serial does the same work as any other "not verified" key of its
    GTIN: the same queries, so the answer time does not tell whether a unit exists."""

    def _queries(self, key):
        lookup = self.env["serial.lookup"]
        lookup._resolve(key)  # caches (parameters, schemes) as a running server has
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        answer, _entry = lookup._resolve(key)
        return answer["verdict"], self.env.cr.sql_log_count - before

    def test_same_queries_for_every_not_verified_key(self):
        bad_code = self.unit_auth.name[:-1] + (
            "A" if self.unit_auth.name[-1] != "A" else "B"
        )
        batch = self.env["serial.batch"].create(
            {"name": "B-1", "product_id": self.scanner.id}
        )
        self.unit_stock.batch_id = batch
        for label, keys in {
            "scheme with authenticity code": [
                dl.UnitKey(AUTH_GTIN, bad_code),  # the unit exists, wrong code
                dl.UnitKey(AUTH_GTIN, "AU-4242ABCDEF"),  # no such unit
            ],
            "no scheme": [
                dl.UnitKey(SCANNER_GTIN, "LK-NONE-1"),  # no such unit
                dl.UnitKey(SCANNER_GTIN, "LK-SCRAP-1"),  # scrapped
            ],
            "batch in the link": [
                dl.UnitKey(SCANNER_GTIN, "LK-STOCK-1", batch="B-2"),  # other batch
                dl.UnitKey(SCANNER_GTIN, "LK-NONE-1", batch="B-1"),  # no such unit
                dl.UnitKey(SCANNER_GTIN, "LK-SOLD-1", batch="B-1"),  # not its batch
            ],
        }.items():
            results = [self._queries(key) for key in keys]
            self.assertEqual(
                {verdict for verdict, _count in results}, {"not_verified"}, label
            )
            self.assertEqual(
                len({count for _verdict, count in results}), 1, (label, results)
            )
        # and the right batch does verify
        self.assertEqual(
            self._queries(dl.UnitKey(SCANNER_GTIN, "LK-STOCK-1", batch="B-1"))[0],
            "genuine",
        )
