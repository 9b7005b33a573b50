import secrets

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    serial_unique_in_company = fields.Boolean(
        "Serials Unique Across Products",
        help="No two serial units of the company share a serial number, whatever their "
        "product (Odoo itself only requires uniqueness per product).",
    )
    serial_auth_secret = fields.Char(
        "Serial Authenticity Secret",
        groups="base.group_system",
        copy=False,
        help="Key of the {auth} code of serial schemes. Changing it makes every serial "
        "signed so far fail verification.",
    )

    def _serial_auth_secret(self):
        """The company's secret for {auth} codes, made on first use (call as sudo)."""
        self.ensure_one()
        if not self.serial_auth_secret:
            self.serial_auth_secret = secrets.token_hex(32)
        return self.serial_auth_secret
