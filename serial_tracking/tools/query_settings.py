"""Settings of the current transaction for large set-based queries (PostgreSQL)."""

from odoo.tools import SQL


def no_jit(cr):
    """Turn PostgreSQL's JIT compilation off until ``cr``'s transaction ends.

    Queries whose plans estimate many rows (a million units) pass
    ``jit_above_cost``, and PostgreSQL compiles them before running them: seconds
    of compilation for a report's list page read in milliseconds, or for a recall's
    split that runs in a second. ``SET LOCAL`` changes nothing but code generation
    (plans and results are the same) and ends with the transaction."""
    cr.execute(SQL("SET LOCAL jit = off"))
