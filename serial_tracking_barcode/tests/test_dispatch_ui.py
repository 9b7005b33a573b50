import base64
import contextlib
import pathlib
from unittest.mock import patch

from odoo.tests import no_retry, tagged
from odoo.tests.common import ChromeBrowser

from odoo.addons.serial_tracking.tests.hoot import HootSuiteCase

from .common import SerialDispatchCommon

ARTEFACTS = (
    pathlib.Path(__file__).resolve().parents[2] / ".local" / "artefacts" / "dispatch"
)
SCREENSHOT_MARKER = "serial_dispatch_screenshot:"


@contextlib.contextmanager
def screenshots_on_request():
    """Take a PNG of the page when the tour logs ``serial_dispatch_screenshot:<name>``.

    The file goes to ``.local/artefacts/dispatch/<name>.png`` (ignored by git); then the
    class ``o_serial_dispatch_shot_<name>`` is put on <body> so the tour can go on.
    """
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    taken = []
    original = ChromeBrowser._handle_console

    def handle_console(browser, type, args=None, stackTrace=None, **kw):
        value = args and args[0].get("value")
        if (
            type == "log"
            and isinstance(value, str)
            and value.startswith(SCREENSHOT_MARKER)
        ):
            name = value[len(SCREENSHOT_MARKER) :]
            future = browser._websocket_send(
                "Page.captureScreenshot", params={"format": "png"}, with_future=True
            )

            def save(done, name=name):
                path = ARTEFACTS / f"{name}.png"
                path.write_bytes(base64.b64decode(done.result()["data"]))
                taken.append(path)
                browser._websocket_send(
                    "Runtime.evaluate",
                    params={
                        "expression": "document.body.classList.add("
                        f"'o_serial_dispatch_shot_{name}')"
                    },
                )

            future.add_done_callback(save)
        return original(browser, type, args=args, stackTrace=stackTrace, **kw)

    with patch.object(ChromeBrowser, "_handle_console", handle_console):
        yield taken


@tagged("post_install", "-at_install", "serial_tracking")
class TestDispatchUi(SerialDispatchCommon, HootSuiteCase):
    """The dispatch screen in headless Chromium: tours and the Hoot unit tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user.password = "st_dispatch_user"

    def test_dispatch_tour_desktop(self):
        """Dispatch a delivery end to end with scanner input, at desktop width."""
        self.browser_size = "1366x900"
        with screenshots_on_request() as taken:
            self.start_tour(
                f"/odoo/action-stock.action_picking_tree_all/{self.delivery.id}",
                "serial_tracking_barcode_dispatch_tour",
                login=self.user.login,
            )
        self.assertEqual([p.name for p in taken], ["desktop.png"])
        self.env.invalidate_all()
        self.assertEqual(self.delivery.state, "done")
        self.assertEqual(
            self.delivery.move_line_ids.filtered(
                lambda ml: ml.product_id == self.product_serial
            ).lot_id.mapped("name"),
            ["DSP0000", "DSP0001", "DSP0009"],
        )
        self.assertEqual(
            sum(self.move_of(self.delivery, self.product_plain).mapped("quantity")), 2
        )

    def test_dispatch_tour_phone(self):
        """The screen on a 360 px wide phone, opened from the Dispatch menu."""
        customer = self.env["res.partner"].create({"name": "Dispatch Phone Customer"})
        self.delivery.partner_id = customer
        self.browser_size = "360x740"
        self.touch_enabled = True
        with screenshots_on_request() as taken:
            self.start_tour(
                "/odoo/action-serial_tracking_barcode.stock_picking_action_serial_dispatch",
                "serial_tracking_barcode_phone_tour",
                login=self.user.login,
            )
        self.assertEqual([p.name for p in taken], ["phone.png"])
        self.env.invalidate_all()
        self.assertEqual(
            self.delivery.serial_dispatch_scan_ids.lot_id.mapped("name"), ["DSP0001"]
        )

    @no_retry
    def test_hoot_unit_tests(self):
        """Hoot unit tests of the screen's components (@serial_tracking_barcode)."""
        self.run_hoot_suite("serial_tracking_barcode", timeout=600)
