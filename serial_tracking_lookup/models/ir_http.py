from werkzeug.routing import PathConverter

from odoo import models


class DigitalLinkPathConverter(PathConverter):
    """Werkzeug's ``path``, newlines included: a Digital Link whose path holds a
    control character must reach the lookup, which answers 400 (the ``path``
    converter would not match it, and Odoo would answer 404)."""

    regex = "[^/][\\s\\S]*?"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_converters(cls):
        return dict(super()._get_converters(), digital_link=DigitalLinkPathConverter)
