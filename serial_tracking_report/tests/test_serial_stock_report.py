from datetime import datetime, time, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from ..report.serial_stock_quantity_mixin import valued_sql
from .common import SerialReportCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialStockReport(SerialReportCommon):
    """Report rows and totals against Odoo's own valuation of the same units: FIFO
    and AVCO, valued by lot/serial or not, now and as of a past date.

    The story of every product: units A1, A2 received 30 days ago at cost 10, the
    cost set to 14 and A3 received 20 days ago, A1 delivered 10 days ago.
    """

    def _story(self, cost_method, lot_valuated, company=None):
        product = self._product(cost_method, lot_valuated, 10.0, company=company)
        first, lots = self._receive(product, ["A1", "A2"])
        self._backdate(first, self._days_ago(30))
        before = self.env["product.value"].search([])
        product.standard_price = 14.0
        if lot_valuated and cost_method != "average":
            # a unit's own cost is what values it in standard; FIFO ignores it
            (lots.filtered(lambda lot: lot.name == "A2")).standard_price = 10.0
        second, lot3 = self._receive(product, ["A3"])
        self._backdate(
            second,
            self._days_ago(20),
            product_values=self.env["product.value"].search([]) - before,
        )
        a1 = lots.filtered(lambda lot: lot.name == "A1")
        self._backdate(self._deliver(a1), self._days_ago(10))
        return product, lots | lot3

    def _report(self, product, day=None):
        # rows are cached by unit, whatever the date: a new date, a new read
        Report = self.env["serial.stock.report"]
        Report.invalidate_model()
        if day:
            Report = Report.with_context(serial_report_date=day)
        return Report.search([("product_id", "=", product.id)])

    def _odoo_total(self, product, day=None):
        if day:
            product = product.with_context(
                to_date=datetime.combine(day, time(23, 59, 59))
            )
        return product.total_value

    def _assert_matches_odoo(self, cost_method, lot_valuated, past_values=None):
        """Rows against Odoo now and 15 and 25 days ago. Valued by serial, Odoo's
        own unit values at a past date count the product's quantity instead of the
        unit's (``stock.lot.total_value`` with ``to_date``: 20 for a unit costing
        10 when two are in stock): those dates are checked against the values the
        moves were booked at, ``past_values``."""
        product, lots = self._story(cost_method, lot_valuated)
        in_stock_names = {
            None: {"A2", "A3"},
            self._days_ago(15): {"A1", "A2", "A3"},
            self._days_ago(25): {"A1", "A2"},
        }
        for day, names in in_stock_names.items():
            rows = self._report(product, day)
            self.assertEqual(len(rows), 3)
            in_stock = rows.filtered(lambda row: row.quantity > 0)
            self.assertEqual(set(in_stock.mapped("name")), names, day)
            total = sum(rows.mapped("value"))
            # pivot totals: the same through _read_group
            [(grouped_total,)] = (
                self.env["serial.stock.report"]
                .with_context(serial_report_date=day)
                ._read_group([("product_id", "=", product.id)], [], ["value:sum"])
            )
            self.assertAlmostEqual(grouped_total, total, 2, day)
            if lot_valuated and day:
                self.assertEqual(
                    {row.name: row.value for row in in_stock}, past_values[day], day
                )
                continue
            odoo_total = self._odoo_total(product, day)
            self.assertTrue(odoo_total, day)
            self.assertAlmostEqual(total, odoo_total, 2, day)
            if lot_valuated:
                for row in in_stock:
                    self.assertAlmostEqual(
                        row.value, row.lot_id.total_value, 2, row.name
                    )
        return product, lots

    def test_per_unit_rows_equal_set_based_rows(self):
        """Lists read the rows unit by unit, totals set-based: the same rows, every
        column, now and at past dates, with units held, delivered and never
        received."""
        product, lots = self._story("fifo", False)
        draft = self.env["stock.lot"].create({"name": "A4", "product_id": product.id})
        Report = self.env["serial.stock.report"]
        names = [name for name, field in Report._fields.items() if field.store]
        for day in (None, self._days_ago(15), self._days_ago(25)):
            rows = {}
            for grouped in (False, True):
                Report.invalidate_model()
                report = Report.with_context(
                    serial_report_date=day, serial_report_grouped=grouped
                )
                found = report.search([("product_id", "=", product.id)])
                rows[grouped] = sorted(found.read(names), key=lambda r: r["id"])
            self.assertEqual(len(rows[False]), len(lots | draft), day)
            self.assertEqual(rows[False], rows[True], day)
            # a count up to a limit (per unit) and a full one (set-based)
            held = [("product_id", "=", product.id), ("quantity", ">", 0)]
            report = Report.with_context(serial_report_date=day)
            self.assertEqual(
                report.search_count(held, limit=100), report.search_count(held), day
            )
            self.assertEqual(
                report.search_count(held), len([r for r in rows[True] if r["quantity"]])
            )

    def test_fifo(self):
        self._assert_matches_odoo("fifo", False)

    def test_average(self):
        self._assert_matches_odoo("average", False)

    def test_standard(self):
        # standard price as of the date, from the price history (product.value)
        self._assert_matches_odoo("standard", False)

    def _assert_own_cost_by_serial(self, cost_method):
        """FIFO and standard by serial: each unit at its own cost, A1 and A2 at
        10, A3 at 14, now and at both past dates."""
        product, _lots = self._assert_matches_odoo(
            cost_method,
            True,
            {
                self._days_ago(15): {"A1": 10.0, "A2": 10.0, "A3": 14.0},
                self._days_ago(25): {"A1": 10.0, "A2": 10.0},
            },
        )
        rows = self._report(product).filtered(lambda row: row.quantity > 0)
        self.assertEqual(
            {row.name: row.value for row in rows}, {"A2": 10.0, "A3": 14.0}
        )

    def test_fifo_by_serial(self):
        self._assert_own_cost_by_serial("fifo")

    def test_average_by_serial(self):
        # setting the cost to 14 revalues the receipt of A1 and A2 itself (Odoo
        # rewrites its stock.move.value to 28): 14 a unit at any date since
        self._assert_matches_odoo(
            "average",
            True,
            {
                self._days_ago(15): {"A1": 14.0, "A2": 14.0, "A3": 14.0},
                self._days_ago(25): {"A1": 14.0, "A2": 14.0},
            },
        )

    def test_standard_by_serial(self):
        self._assert_own_cost_by_serial("standard")

    def test_age_counts_the_users_days(self):
        """A unit's age counts days of the user's calendar, whatever the hour in
        UTC: the user's time zone is chosen on the other side of the date line
        from now in UTC, so their today is never UTC's."""
        product = self._product("fifo", False, 10.0)
        picking, _lots = self._receive(product, ["TZ1"])
        tz = "Etc/GMT-14" if self.env.cr.now().hour >= 12 else "Etc/GMT+12"
        self.env.user.tz = tz
        self.env = self.env(context=dict(self.env.context, tz=tz))
        today = fields.Date.context_today(self.env.user)
        self.assertNotEqual(today, self.env.cr.now().date())
        received = today - timedelta(days=30)
        self._backdate(picking, received)
        self.assertEqual(self._report(product).age_days, 30)

    def test_row_fields_and_filters(self):
        product, _lots = self._story("fifo", False)
        rows = self._report(product)
        by_name = {row.name: row for row in rows}
        self.assertEqual(by_name["A1"].unit_state, "delivered")
        self.assertEqual(by_name["A1"].customer_id, self.customer)
        self.assertEqual(by_name["A1"].quantity, 0)
        self.assertEqual(by_name["A2"].location_id, self.stock_location)
        self.assertEqual(by_name["A2"].warehouse_id, self.stock_location.warehouse_id)
        self.assertEqual(by_name["A2"].age_days, 30)
        self.assertEqual(by_name["A2"].age_bucket, "0_30")
        self.assertEqual(by_name["A3"].categ_id, product.categ_id)
        Report = self.env["serial.stock.report"]
        self.assertEqual(
            Report.search(
                [("product_id", "=", product.id), ("unit_state", "=", "in_stock")]
            ).mapped("name"),
            ["A3", "A2"],  # newest first
        )
        # 15 days ago, A2 was 15 days old
        past = self._report(product, self._days_ago(15)).filtered(
            lambda row: row.name == "A2"
        )
        self.assertEqual(past.age_days, 15)
        self.assertEqual(past.location_id, self.stock_location)

    def test_batch_report(self):
        product, lots = self._story("fifo", False)
        batch = self.env["serial.batch"].create(
            {"name": "RUN-R1", "product_id": product.id}
        )
        lots.batch_id = batch
        row = self.env["serial.batch.report"].search([("batch_id", "=", batch.id)])
        self.assertEqual(
            (row.unit_count, row.held_count, row.delivered_count, row.scrapped_count),
            (3, 2, 1, 0),
        )
        stock_rows = self._report(product)
        self.assertAlmostEqual(row.value, sum(stock_rows.mapped("value")), 2)
        self.assertAlmostEqual(row.value, product.total_value, 2)

    def test_access_and_companies(self):
        # units of a product of no company are every company's, as in stock.lot
        product, _lots = self._story("fifo", False, company=self.env.company)
        nobody = new_test_user(self.env, login="serial_report_nobody")
        with self.assertRaises(AccessError):
            self.env["serial.stock.report"].with_user(nobody).search([])
        accountant = new_test_user(
            self.env,
            login="serial_report_accountant",
            groups="account.group_account_readonly",
        )
        rows = (
            self.env["serial.stock.report"]
            .with_user(accountant)
            .search([("product_id", "=", product.id)])
        )
        self.assertEqual(len(rows), 3)
        company_b = self.env["res.company"].create({"name": "Report Company B"})
        user_b = self._stock_user(
            "serial_report_user_b", company_b, groups="stock.group_stock_user"
        )
        for model in ("serial.stock.report", "serial.warranty.report"):
            self.assertFalse(
                self.env[model]
                .with_user(user_b)
                .search([("product_id", "=", product.id)])
            )

    def test_queries_without_jit(self):
        """Every read of a report turns PostgreSQL's JIT off for the transaction."""
        for model in ("serial.stock.report", "serial.batch.report"):
            with self.subTest(model=model):
                self.env.cr.execute("SET LOCAL jit = on")
                self.env[model].search_count([])
                self.env.cr.execute("SHOW jit")
                self.assertEqual(self.env.cr.fetchone()[0], "off")

    def test_valued_sql_is_odoos_valued_locations(self):
        """The SQL test of a valued location picks exactly the locations Odoo's
        ``is_valued_internal`` picks (the one source the ids come from)."""
        Location = self.env["stock.location"].with_context(active_test=False)
        self.env.cr.execute(
            SQL("SELECT id FROM stock_location loc WHERE %s", valued_sql("loc"))
        )
        by_sql = {row[0] for row in self.env.cr.fetchall()}
        odoo = set(Location.search([("is_valued_internal", "=", True)]).ids)
        self.assertTrue(odoo)
        self.assertEqual(by_sql, odoo)
        self.assertEqual(
            set(self.env["serial.stock.quantity.mixin"]._valued_location_ids()), odoo
        )
