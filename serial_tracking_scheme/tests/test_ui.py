from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.hoot import HootSuiteCase


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialSchemeUi(HootSuiteCase):
    def test_hoot_suite(self):
        """The addon's Hoot (JS unit) tests, in headless Chromium: the "New" and
        "Generate" buttons of Odoo's Generate Serials dialog with a scheme."""
        self.run_hoot_suite("serial_tracking_scheme")
