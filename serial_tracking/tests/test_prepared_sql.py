import psycopg2

from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from ..tools import prepared_sql
from ..tools.prepared_sql import execute_prepared

CLOSED = ("done", "cancel")


def _query(name, ids, limit):
    # a tuple, a list, a LIKE with an escaped percent sign, a cast parameter
    return SQL(
        """SELECT id, login FROM res_users
            WHERE (login LIKE %s OR login = %s) AND id = ANY(%s)
              AND COALESCE(share, FALSE) NOT IN %s AND login NOT LIKE '%%@x%%'
         ORDER BY id LIMIT %s::int""",
        name + "%",
        name,
        ids,
        (True, True),
        limit,
    )


@tagged("post_install", "-at_install", "serial_tracking")
class TestPreparedSql(TransactionCase):
    def _rows(self, cr, query, prepared):
        if prepared:
            execute_prepared(cr, query)
        else:
            cr.execute(query)
        return cr.fetchall()

    def _known(self, cr):
        state = prepared_sql._PREPARED.get(prepared_sql._real_cursor(cr))
        return state["names"] if state else {}

    def _statements(self, cr):
        cr.execute(
            "SELECT name, generic_plans FROM pg_prepared_statements"
            " WHERE name LIKE 'serial\\_tracking\\_%'"
        )
        return dict(cr.fetchall())

    def test_same_rows_as_the_plain_query(self):
        cr = self.env.cr
        ids = self.env["res.users"].with_context(active_test=False).search([]).ids
        cases = [("ad", ids, 5), ("admin", ids, 1), ("", ids[:2], 10), ("zz", [], 3)]
        known = dict(self._known(cr))
        for name, user_ids, limit in cases * 3:  # past the 5 custom plans
            query = _query(name, user_ids, limit)
            before = cr.sql_log_count
            rows = self._rows(cr, query, True)
            self.assertEqual(cr.sql_log_count, before + 1, "one statement per call")
            self.assertEqual(rows, self._rows(cr, query, False), (name, limit))
        self.assertEqual(self._rows(cr, _query("admin", ids, 1), True)[0][1], "admin")
        # one statement for every call, run on the generic plan in the end
        self.assertLessEqual(len(self._known(cr)) - len(known), 1)
        name = self._known(cr)[prepared_sql._statement(_query("", [], 1))[0]]
        self.assertGreater(self._statements(cr)[name], 0)

    def test_rollback_keeps_the_statement(self):
        cr = self.env.cr
        admin = self.env.ref("base.user_admin")
        query = _query("admin", [admin.id], 1)
        with cr.savepoint(flush=False) as savepoint:
            execute_prepared(cr, query)
            savepoint.rollback()
        names = dict(self._known(cr))
        self.assertLessEqual(set(names.values()), set(self._statements(cr)))
        self.assertEqual(self._rows(cr, query, True), [(admin.id, "admin")])
        self.assertEqual(self._known(cr), names)

    def test_failed_first_run_prepares_under_a_fresh_name(self):
        # The EXECUTE fails after the PREPARE succeeded: the statement exists
        # on the server; preparing it again under the same name would fail.
        cr = self.env.cr
        statements = len(self._statements(cr))
        with (
            self.assertRaises(psycopg2.errors.DivisionByZero),
            mute_logger("odoo.sql_db"),
            cr.savepoint(flush=False),
        ):
            execute_prepared(cr, SQL("SELECT 10 / %s::int", 0))
        execute_prepared(cr, SQL("SELECT 10 / %s::int", 5))
        self.assertEqual(cr.fetchall(), [(2,)])
        self.assertEqual(len(self._statements(cr)), statements + 2)

    def test_prefix_goes_in_the_same_round_trip(self):
        cr = self.env.cr
        before = cr.sql_log_count
        execute_prepared(
            cr, SQL("SELECT %s::int + 1", 1), prefix=SQL("SAVEPOINT prepared_test")
        )
        self.assertEqual(cr.fetchall(), [(2,)])
        cr.execute("RELEASE SAVEPOINT prepared_test")
        self.assertEqual(cr.sql_log_count, before + 2)

    def test_other_connections_and_databases_prepare_their_own(self):
        cr = self.env.cr
        query = SQL("SELECT current_database(), %s::int * 2", 21)
        execute_prepared(cr, query)
        self.assertEqual(cr.fetchall(), [(cr.dbname, 42)])
        for dbname in (cr.dbname, "postgres"):
            with db_connect(dbname).cursor() as other:
                self.assertIsNot(other._cnx, cr._cnx)
                # the same text, never prepared on this connection
                execute_prepared(other, query)
                self.assertEqual(other.fetchall(), [(dbname, 42)])
                execute_prepared(other, query)
                self.assertEqual(other.fetchall(), [(dbname, 42)])

    def test_a_new_cursor_on_a_pooled_connection_prepares_again(self):
        # Odoo's pool resets a connection it lends again (psycopg2's reset():
        # DISCARD ALL): the statements of the cursor before are gone.
        # (The pool closes connections to "postgres": this database's are kept.)
        query = SQL("SELECT %s::int + 1", 41)
        lent = []
        for _run in range(3):
            with db_connect(self.env.cr.dbname).cursor() as other:
                lent.append(other._cnx)
                for _call in range(2):
                    execute_prepared(other, query)
                    self.assertEqual(other.fetchall(), [(42,)])
        self.assertIs(lent[1], lent[0], "the pool lends its idle connection again")

    def test_reconnection_prepares_again(self):
        query = SQL("SELECT %s::int + 1", 41)
        with db_connect(self.env.cr.dbname).cursor() as other:
            execute_prepared(other, query)
            self.assertEqual(other.fetchall(), [(42,)])
            pid = other._cnx.get_backend_pid()
        # the server session of that pooled connection ends (a restart, a kill)
        self.env.cr.execute(SQL("SELECT pg_terminate_backend(%s, 5000)", pid))
        self.assertTrue(self.env.cr.fetchone()[0])
        with db_connect(self.env.cr.dbname).cursor() as other:
            self.assertNotEqual(other._cnx.get_backend_pid(), pid)
            execute_prepared(other, query)
            self.assertEqual(other.fetchall(), [(42,)])
