"""Tests that need two real, committed transactions at the same time.

A ``TransactionCase`` runs in one transaction that is rolled back at the end, so a
second cursor never sees its records. Races (two scanners, two workers, a count
applied while a delivery ships) need committed data and threads with their own
cursors. :class:`CommittedCase` gives every such test the same things:

* :meth:`CommittedCase.committed` — an environment on a new cursor, committed
  when the ``with`` block ends (rolled back if it raises);
* :meth:`CommittedCase.in_thread` / :meth:`CommittedCase.together` — run
  functions of ``env`` in threads, each in its own transaction, and hand back
  what they returned or raised (an exception is a result, reported by the test);
* :meth:`CommittedCase.stock_units`, :meth:`CommittedCase.deliveries`,
  :meth:`CommittedCase.receipts` — the usual committed data: serial units in stock,
  confirmed deliveries and receipts of them;
* :meth:`CommittedCase.purge_products` — remove what a test committed for its
  products (units, quants, moves, transfers, events), registered as a cleanup.

Usage::

    class TestRace(CommittedCase):
        def setUp(self):
            super().setUp()
            with self.committed() as env:
                self.product_id = env["product.product"].create({...}).id
            self.purge_products([self.product_id])

        def test_race(self):
            with self.committed() as env_a:
                first = do_scan(env_a)
                second = self.in_thread(do_scan).join()   # must not wait for A
"""

import threading
import uuid
from contextlib import contextmanager

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name
from odoo.tools import SQL


class ThreadResult:
    """A function running in its own thread and transaction."""

    def __init__(self, case, func, name, barrier=None, context=None):
        self.result = None
        self.error = None
        self._thread = threading.Thread(
            target=self._run, args=(case, func, barrier, context), name=name
        )
        self._thread.start()

    def _run(self, case, func, barrier, context):
        try:
            with case.committed(context) as env:
                if barrier is not None:
                    barrier.wait(timeout=30)
                self.result = func(env)
        except Exception as error:  # noqa: BLE001 - handed to the test
            self.error = error

    def join(self, timeout=60):
        """Wait for the thread; what the function returned, or the exception it
        raised (returned, not raised: the test decides). Fails the test if the
        thread is still running after ``timeout`` seconds."""
        self._thread.join(timeout=timeout)
        if self._thread.is_alive():
            raise AssertionError(f"{self._thread.name} still running after {timeout}s")
        return self.error if self.error is not None else self.result


class CommittedCase(BaseCase):
    """Base class for tests of concurrent transactions on committed data."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.tag = uuid.uuid4().hex[:8]

    @contextmanager
    def committed(self, context=None):
        """A superuser environment on a new cursor, committed at the end."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, dict(context or {}))

    def in_thread(self, func, name="second transaction", context=None):
        """Start ``func(env)`` in a thread with its own transaction."""
        return ThreadResult(self, func, name, context=context)

    def together(self, funcs, timeout=120, context=None):
        """Run every ``func(env)`` in its own thread and transaction, started at
        the same moment (a barrier inside the transactions); their results (or
        exceptions) in the same order."""
        barrier = threading.Barrier(len(funcs))
        runs = [
            ThreadResult(self, func, f"worker {index}", barrier, context)
            for index, func in enumerate(funcs)
        ]
        return [run.join(timeout) for run in runs]

    def stock_units(self, env, name, prefix, count):
        """A storable serial product ``name`` (tagged) and ``count`` units of it,
        ``<prefix>-<tag>-<i>``, in the first warehouse's stock; ``(warehouse,
        product, units)``. Call it inside :meth:`committed`."""
        warehouse = env["stock.warehouse"].search([], limit=1)
        product = env["product.product"].create(
            {"name": f"{name} {self.tag}", "is_storable": True, "tracking": "serial"}
        )
        units = env["stock.lot"].create(
            [
                {"name": f"{prefix}-{self.tag}-{i}", "product_id": product.id}
                for i in range(count)
            ]
        )
        for unit in units:
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 1, lot_id=unit
            )
        return warehouse, product, units

    def deliveries(self, env, warehouse, product, quantities, location=None):
        """Confirmed deliveries of ``product`` from ``location`` (default: the
        warehouse's stock) to the customers, one per quantity of ``quantities``, each
        with one move; reserved as Odoo reserves on confirmation. Call it inside
        :meth:`committed`."""
        location = location or warehouse.lot_stock_id
        customers = env.ref("stock.stock_location_customers")
        return self._confirmed_transfers(
            env, warehouse.out_type_id, location, customers, product, quantities
        )

    def receipts(self, env, warehouse, product, quantities):
        """Confirmed receipts of ``product`` from the vendors into the warehouse's
        stock, one per quantity of ``quantities``, each with one move. Call it
        inside :meth:`committed`."""
        vendors = env.ref("stock.stock_location_suppliers")
        return self._confirmed_transfers(
            env,
            warehouse.in_type_id,
            vendors,
            warehouse.lot_stock_id,
            product,
            quantities,
        )

    def _confirmed_transfers(
        self, env, picking_type, source, destination, product, quantities
    ):
        pickings = env["stock.picking"].create(
            [
                {
                    "picking_type_id": picking_type.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                            }
                        )
                    ],
                }
                for quantity in quantities
            ]
        )
        pickings.action_confirm()
        return pickings

    def purge_products(self, product_ids, before=(), after=()):
        """Register the removal of everything committed for ``product_ids``:
        ``before`` (``SQL`` statements, e.g. an addon's own rows that point at
        the units or transfers), then the products' move lines, moves, the
        transfers holding them, quants, units with their timeline and chatter,
        the products, then ``after`` (e.g. locations or partners)."""

        def purge():
            with self.committed() as env:
                cr = env.cr
                for statement in before:
                    cr.execute(statement)
                cr.execute(
                    SQL(
                        """
                        CREATE TEMPORARY TABLE _purge_picking ON COMMIT DROP AS
                            SELECT DISTINCT picking_id AS id FROM stock_move
                             WHERE product_id = ANY(%(p)s) AND picking_id IS NOT NULL;
                        DELETE FROM serial_event WHERE lot_id IN
                               (SELECT id FROM stock_lot WHERE product_id = ANY(%(p)s));
                        DELETE FROM mail_message WHERE model = 'stock.lot' AND res_id IN
                               (SELECT id FROM stock_lot WHERE product_id = ANY(%(p)s));
                        DELETE FROM stock_move_line WHERE product_id = ANY(%(p)s);
                        DELETE FROM stock_move WHERE product_id = ANY(%(p)s);
                        DELETE FROM stock_picking
                         WHERE id IN (SELECT id FROM _purge_picking);
                        DELETE FROM stock_quant WHERE product_id = ANY(%(p)s);
                        DELETE FROM stock_lot WHERE product_id = ANY(%(p)s);
                        DELETE FROM product_template WHERE id IN
                               (SELECT product_tmpl_id FROM product_product
                                 WHERE id = ANY(%(p)s));
                        """,
                        p=list(product_ids),
                    )
                )
                for statement in after:
                    cr.execute(statement)

        self.addCleanup(purge)
