from odoo.tests import TransactionCase, tagged

from ..tools.query_settings import no_jit


@tagged("post_install", "-at_install", "serial_tracking")
class TestQuerySettings(TransactionCase):
    def _jit(self):
        self.env.cr.execute("SHOW jit")
        return self.env.cr.fetchone()[0]

    def test_no_jit(self):
        self.env.cr.execute("SET LOCAL jit = on")
        no_jit(self.env.cr)
        self.assertEqual(self._jit(), "off")
