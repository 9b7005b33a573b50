import os
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import RecallCommon

SIGNAL = "serial_recall_screenshot:"


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallUi(HttpCase, RecallCommon):
    """A recall driven in the browser: from a batch of five units (three delivered
    to two customers, two with us), preview, confirm, the units with us and the
    delivered ones, then Move to Quarantine.

    With ``ST_SCREENSHOTS=1`` the tour's screenshot steps are saved (Odoo's
    ``screenshots`` directory, under the database name)."""

    browser_size = "1366x768"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_batch = cls.env["serial.batch"].create(
            {"name": "RC-TOUR", "product_id": cls.scanner.id}
        )
        cls.units[:5].batch_id = cls.tour_batch
        cls.env.ref("base.user_admin").group_ids += cls.env.ref(
            "stock.group_production_lot"
        )

    def _screenshots(self):
        """Save a screenshot at each of the tour's screenshot steps."""
        handle = ChromeBrowser._handle_console
        size = self.browser_size

        def handle_console(browser, type, args=None, stackTrace=None, **kw):
            message = args and args[0].get("value")
            if isinstance(message, str) and message.startswith(SIGNAL):
                name = message[len(SIGNAL) :]
                browser.take_screenshot(prefix=f"recall_{size}_{name}_")
            return handle(browser, type, args=args, stackTrace=stackTrace, **kw)

        if os.environ.get("ST_SCREENSHOTS"):
            return patch.object(ChromeBrowser, "_handle_console", handle_console)
        return patch.object(ChromeBrowser, "_handle_console", handle)

    def test_recall_tour(self):
        with self._screenshots():
            self.start_tour(
                "/odoo/action-serial_tracking_recall.serial_recall_action",
                "serial_tracking_recall_tour",
                login="admin",
            )
        recall = self.env["serial.recall"].search([("title", "=", "Tour overheating")])
        self.assertEqual(recall.state, "open")
        self.assertEqual(recall.line_ids.lot_id, self.units[:5])
        held = recall.line_ids.filtered(lambda line: line.position == "held")
        self.assertEqual(held.lot_id, self.units[3:5])
        self.assertEqual(set(held.mapped("quarantine")), {"moved"})
        quarantine = held.warehouse_id._serial_quarantine_location()
        self.assertEqual(held.lot_id.location_id, quarantine)
        self.assertEqual(set(held.lot_id.mapped("unit_state")), {"quarantined"})
        delivered = recall.line_ids - held
        self.assertEqual(
            delivered.customer_id, self.customer | self.customer_2, delivered
        )


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallUiPhone(TestRecallUi):
    browser_size = "360x740"
    touch_enabled = True
