from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..tools.scan_decision import Refusal
from ..tools.scan_messages import refusal_message
from .common import SerialDispatchCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestScanMessages(SerialDispatchCommon):
    """Refusal messages as the screens' users read them (found trying the screens as a
    new user would)."""

    def test_blocked_unit_for_a_user_who_cannot_read_units(self):
        """A salesperson (Scan to Order) scanning a quarantined unit is told it is
        quarantined, not that units are out of their access rights."""
        lot = self.lots[6]
        lot._set_sticky_state("quarantined", "quarantined")
        seller = mail_new_test_user(
            self.env, login="st_msg_seller", groups="base.group_user"
        )
        env = self.env(user=seller)
        with self.assertRaises(AccessError):  # the premise: they cannot read units
            env["stock.lot"].browse(lot.id).check_access("read")
        message = refusal_message(env, Refusal("unit_blocked", lot_id=lot.id), {})
        self.assertEqual(
            message, "Serial DSP0006 is quarantined and cannot leave the warehouse."
        )

    def test_expired_unit_names_the_screens_button(self):
        """The override button of the dispatch screen is "Ship anyway"."""
        refusal = Refusal("unit_expired", serial="DSP0001", date=fields.Datetime.now())
        message = refusal_message(self.env, refusal, {"picking": self.delivery})
        self.assertIn('"Ship anyway"', message)
