from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "serial_tracking")
class TestDispatchViews(TransactionCase):
    def test_kanban_dates_use_a_widget_of_their_type(self):
        """The Dispatch kanban's scheduled date (a datetime) shows without its time
        through the datetime widget's option: the date widget does not take datetimes
        (the web client warns in the console and falls back on every card)."""
        view = self.env.ref(
            "serial_tracking_barcode.stock_picking_view_kanban_serial_dispatch"
        )
        arch = etree.fromstring(
            self.env["stock.picking"].get_views([(view.id, "kanban")])["views"][
                "kanban"
            ]["arch"]
        )
        fields = self.env["stock.picking"]._fields
        for node in arch.iter("field"):
            if node.get("widget") == "date":
                name = node.get("name")
                self.assertEqual(fields[name].type, "date", name)
        [date] = arch.xpath("//field[@name='scheduled_date']")
        self.assertIn("'show_time': False", date.get("options"))
