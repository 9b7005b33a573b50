"""Run an addon's Hoot (JS unit) tests in headless Chromium from a Python test."""

import re
from pathlib import Path

from odoo.tests import HttpCase

# A Hoot test declaration: ``test("...", ...)`` or ``test.tags(...)("...", ...)``.
HOOT_TEST_RE = re.compile(r"^\s*test(?:\.\w+\([^)]*\))*\(\s*[\"'`]", re.MULTILINE)
HOOT_PASSED_RE = re.compile(r"Passed (\d+) tests")


def hoot_job_hash(name):
    """Hoot's id of a test suite (as web's ``HOOTCommon._generate_hash``)."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


class HootSuiteCase(HttpCase):
    """``run_hoot_suite(addon)`` runs the addon's ``static/tests/**/*.test.js``
    suites and fails unless every test declared there ran and passed: a Hoot filter
    matching fewer tests than written (or none) does not pass silently."""

    def run_hoot_suite(self, addon, timeout=900):
        root = Path(__file__).resolve().parents[2] / addon / "static" / "tests"
        expected = sum(
            len(HOOT_TEST_RE.findall(path.read_text(encoding="utf-8")))
            for path in root.rglob("*.test.js")
        )
        self.assertGreater(expected, 0, f"no Hoot test found under {root}")
        with self.assertLogs(self._logger.getChild("browser"), "INFO") as logs:
            self.browser_js(
                "/web/tests?headless&loglevel=2&preset=desktop&timeout=15000"
                f"&id={hoot_job_hash('@' + addon)}",
                "",
                "",
                login="admin",
                timeout=timeout,
                success_signal="[HOOT] Test suite succeeded",
                # a failing Hoot test is reported, the suite goes on (as web's
                # WebSuite)
                error_checker=lambda message: "[HOOT]" not in message,
            )
        passed = [
            int(match.group(1))
            for line in logs.output
            if (match := HOOT_PASSED_RE.search(line))
        ]
        self.assertEqual(passed, [expected], "every Hoot test of the addon ran")
