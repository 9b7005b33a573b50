"""What the scan screens' tours share: screenshots the tour asks for, and one
tour run at a given size that checks them."""

import base64
import contextlib
import pathlib
from unittest.mock import patch

from odoo.tests.common import ChromeBrowser

PHONE = "360x740"
DESKTOP = "1366x900"

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


class ScanTourMixin:
    """For an ``HttpCase``: ``scan_tour(url, tour, size, shots, login)`` runs the tour
    ``tour`` from ``url`` at ``size`` (``PHONE`` is a touch screen), expects exactly
    the screenshots ``shots`` (names without ``.png``), then drops the cache so the
    test reads what the browser's requests wrote."""

    def scan_tour(self, url, tour, size, shots, login="admin"):
        self.browser_size = size
        self.touch_enabled = size == PHONE
        with screenshots_on_request() as taken:
            self.start_tour(url, tour, login=login)
        self.assertEqual([path.stem for path in taken], list(shots))
        self.env.invalidate_all()
