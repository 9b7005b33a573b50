from odoo.tests import tagged

from .common import LookupCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSettings(LookupCommon):
    def test_settings(self):
        settings = self.env["res.config.settings"].create(
            {
                "serial_digital_link_base_url": "https://id.example.com",
                "serial_lookup_rate_limit": 12,
                "serial_lookup_rate_window": 30,
                "serial_lookup_clone_addresses": 4,
                "serial_lookup_clone_hours": 6,
                "serial_lookup_log_days": 90,
                "serial_lookup_contact": "Call us.",
            }
        )
        settings.execute()
        self.assertEqual(
            self.env["serial.lookup"]._settings(),
            {
                "rate_limit": 12,
                "rate_window": 30,
                "clone_addresses": 4,
                "clone_hours": 6,
                "log_days": 90,
            },
        )
        # the labels print the same base URL
        self.assertEqual(
            self.env[
                "report.serial_tracking_label.report_serial_label"
            ]._digital_link_base_url(),
            "https://id.example.com",
        )
        self.assertEqual(self.env.company.serial_lookup_contact, "Call us.")
        action = settings.action_open_serial_lookup_texts()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("res.company", self.env.company.id),
        )

    def test_bad_values_fall_back_to_defaults(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("serial_tracking_lookup.rate_limit", "many")
        params.set_param("serial_tracking_lookup.rate_window", "-5")
        values = self.env["serial.lookup"]._settings()
        self.assertEqual((values["rate_limit"], values["rate_window"]), (30, 1))
