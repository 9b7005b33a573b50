from odoo import fields, models

from odoo.addons.serial_tracking_label.report.report_serial_label import (
    BASE_URL_PARAM,
)

from .serial_lookup import DEFAULTS, PARAM


def _lookup_setting(string, key, help_text=None):
    """An integer setting of the lookup, stored in its system parameter."""
    return fields.Integer(
        string, config_parameter=PARAM % key, default=DEFAULTS[key], help=help_text
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    serial_digital_link_base_url = fields.Char(
        "Digital Link Base URL",
        config_parameter=BASE_URL_PARAM,
        help="Printed in the QR codes of unit labels; they open this Odoo's public "
        "lookup, so it is this server's public address (or a GS1 resolver that "
        "forwards to it). Empty: the web base URL.",
    )
    serial_lookup_rate_limit = _lookup_setting(
        "Lookups per Client",
        "rate_limit",
        "Lookups one client address may make per window; more get HTTP 429. "
        "0: no limit.",
    )
    serial_lookup_rate_window = _lookup_setting("Rate Window (seconds)", "rate_window")
    serial_lookup_clone_addresses = _lookup_setting(
        "Clone Alert: Addresses",
        "clone_addresses",
        "A unit looked up from this many different client addresses within the "
        "clone window is flagged as a suspected cloned label. 0: never.",
    )
    serial_lookup_clone_hours = _lookup_setting("Clone Window (hours)", "clone_hours")
    serial_lookup_log_days = _lookup_setting(
        "Keep Lookups (days)",
        "log_days",
        "Lookups older than this are deleted every day. 0: kept forever.",
    )
    serial_lookup_intro = fields.Text(
        related="company_id.serial_lookup_intro", readonly=False
    )
    serial_lookup_contact = fields.Text(
        related="company_id.serial_lookup_contact", readonly=False
    )
    serial_lookup_recall_text = fields.Text(
        related="company_id.serial_lookup_recall_text", readonly=False
    )

    def action_open_serial_lookup_texts(self):
        self.ensure_one()
        return self.company_id.action_open_serial_lookup_texts()
