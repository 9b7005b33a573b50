from odoo.tests import HttpCase, tagged

from odoo.addons.serial_tracking.tests.test_ui import hoot_job_hash


@tagged("post_install", "-at_install")
class TestSerialSchemeUi(HttpCase):
    def test_hoot_suite(self):
        """The addon's Hoot (JS unit) tests, in headless Chromium: the "New" and
        "Generate" buttons of Odoo's Generate Serials dialog with a scheme."""
        self.browser_js(
            "/web/tests?headless&loglevel=2&preset=desktop&timeout=15000"
            f"&id={hoot_job_hash('@serial_tracking_scheme')}",
            "",
            "",
            login="admin",
            timeout=900,
            success_signal="[HOOT] Test suite succeeded",
            # a failing Hoot test is reported, the suite goes on (as web's WebSuite)
            error_checker=lambda message: "[HOOT]" not in message,
        )
