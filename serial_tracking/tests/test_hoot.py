from odoo.tests import BaseCase, tagged

from .hoot import HOOT_TEST_RE

SOURCE = """
describe("timeline", () => {
    test("renders events", async () => {});
    test.tags("desktop")("opens the move", async () => {});
    test.tags("mobile", "headless")(`folds`, async () => {});
});
// test("commented out", async () => {});
testHelpers.mount("not a test");
beforeEach(() => test_value("not a test"));
"""


@tagged("post_install", "-at_install", "serial_tracking")
class TestHootRunner(BaseCase):
    def test_counts_declared_tests(self):
        """The runner's guard counts every declared test, tagged ones included,
        and nothing else: 3 here."""
        self.assertEqual(len(HOOT_TEST_RE.findall(SOURCE)), 3)
