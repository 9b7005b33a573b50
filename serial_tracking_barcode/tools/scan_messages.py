"""The engine's refusal messages: a :class:`~.scan_decision.Refusal` (reason code
and params) in the user's language. ``serial.scan.service._scan_refusal_message``
is the entry point flows call; a flow's own reasons come first (``flow_messages``).
"""

from odoo import fields


def refusal_message(env, refusal, nouns, flow_messages=None):
    """The translated message of ``refusal``; ``nouns`` name the operation in the
    flow's words: ``{"this": "this delivery", "picking": <the operation>}``;
    ``flow_messages``: ``{reason: callable}`` of a flow's own reasons, first."""
    if flow_messages and refusal.reason in flow_messages:
        return flow_messages[refusal.reason]()
    p = refusal.params
    if refusal.reason == "unit_blocked":
        # sudo: a flow's user may not read units (a salesperson scanning to order);
        # the message only names the serial and why it is blocked.
        lot = env["stock.lot"].sudo().browse(p["lot_id"])
        return lot._serial_block_messages()[lot.id]
    if "picking_id" in p and refusal.reason in (
        "already_scanned",
        "reserved_elsewhere",
        "pending_elsewhere",
    ):
        other = env["stock.picking"].sudo().browse(p["picking_id"])
        visible = other.company_id in env.user.company_ids
        p = {
            **p,
            "other": other.name if visible else env._("another operation"),
        }
    if refusal.reason == "unit_expired":
        local = fields.Datetime.context_timestamp(env["res.users"], p["date"])
        p = {**p, "date": local.strftime("%Y-%m-%d")}
    messages = {
        "empty": lambda: env._("Empty scan."),
        "control_characters": lambda: env._(
            "The scanned code holds control characters (%(chars)s): it was "
            "refused, nothing was recorded. Check the scanner's settings.",
            **p,
        ),
        "too_long": lambda: env._(
            "The scanned code is longer than %(length)s characters: it was refused.",
            **p,
        ),
        "unknown_code": lambda: (
            env._("Unknown serial %(serial)s (GTIN %(gtin)s).", **p)
            if "serial" in p
            else env._("Unknown barcode %(code)s: no serial or product has it.", **p)
        ),
        "product_not_in_order": lambda: env._(
            "%(product)s is not on %(this)s.", **p, this=nouns["this"]
        ),
        "serial_required": lambda: env._(
            "%(product)s is tracked by serial: scan the unit's serial number.", **p
        ),
        "line_complete": lambda: env._(
            "%(product)s: all ordered units are already scanned.", **p
        ),
        "not_in_stock": lambda: env._(
            "Serial %(serial)s is not in stock in %(location)s.",
            serial=p["serial"],
            location=p.get("location") or nouns["picking"].location_id.display_name,
        ),
        "unit_expired": lambda: env._(
            "Serial %(serial)s expired on %(date)s: it must not be shipped. A "
            'stock manager may still ship it with "Ship anyway".',
            **p,
        ),
        "already_scanned": lambda: (
            env._(
                "Serial %(serial)s has just been scanned on another operation.",
                **p,
            )
            if "picking_id" not in p
            else env._(
                "Serial %(serial)s is already scanned on %(this)s.",
                **p,
                this=nouns["this"],
            )
            if p["picking_id"] == nouns["picking"].id
            else env._("Serial %(serial)s is already scanned on %(other)s.", **p)
        ),
        "reserved_elsewhere": lambda: env._(
            "Serial %(serial)s is reserved for %(other)s.", **p
        ),
        "closed": lambda: env._("%(name)s is already closed.", **p),
        "delivery_closed": lambda: env._("Delivery %(name)s is already closed.", **p),
        "not_available": lambda: p["error"],
        "several_units": lambda: env._(
            "%(code)s names %(count)s units of different products; scan its GS1 label.",
            **p,
        ),
    }
    factory = messages.get(refusal.reason)
    return factory() if factory else refusal.reason
