"""Run an addon's Hoot (JS unit) tests in headless Chromium from a Python test."""

import re
from pathlib import Path
from urllib.parse import quote

from odoo.tests import HttpCase

from odoo.addons.web.tests.test_js import unit_test_error_checker

# A Hoot test declaration: ``test("...", ...)`` or ``test.tags(...)("...", ...)``.
HOOT_TEST_RE = re.compile(r"^\s*test(?:\.\w+\([^)]*\))*\(\s*[\"'`]", re.MULTILINE)
HOOT_PASSED_RE = re.compile(r"Passed (\d+) tests")


class HootSuiteCase(HttpCase):
    """``run_hoot_suite(addon)`` runs the addon's ``static/tests/**/*.test.js``
    suites the way web's ``WebSuite.test_unit_desktop`` runs them all, and fails
    unless every test declared there ran and passed: a Hoot filter matching fewer
    tests than written (or none) does not pass silently."""

    def run_hoot_suite(self, addon, timeout=900):
        root = Path(__file__).resolve().parents[2] / addon / "static" / "tests"
        expected = sum(
            len(HOOT_TEST_RE.findall(path.read_text(encoding="utf-8")))
            for path in root.rglob("*.test.js")
        )
        self.assertGreater(expected, 0, f"no Hoot test found under {root}")
        # Hoot's own URL filter, a regular expression on each test's full name: the
        # addon's tests are those under its module path "@<addon>/".
        hoot_filter = quote(f"/^@{addon}\\//", safe="")
        # The browser's console goes to a child of this test module's logger.
        with self.assertLogs(type(self).__module__, "INFO") as logs:
            self.browser_js(
                "/web/tests?headless&loglevel=2&preset=desktop&timeout=15000"
                f"&filter={hoot_filter}",
                "",
                "",
                login="admin",
                timeout=timeout,
                success_signal="[HOOT] Test suite succeeded",
                error_checker=unit_test_error_checker,
            )
        passed = [
            int(match.group(1))
            for line in logs.output
            if (match := HOOT_PASSED_RE.search(line))
        ]
        self.assertEqual(passed, [expected], "every Hoot test of the addon ran")
