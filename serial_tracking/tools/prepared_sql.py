"""Server-side prepared statements for the few hot queries a scan sends.

A scan's lookup is one query of many joins and sub-selects that reads a handful
of index rows: PostgreSQL spends more time *planning* it (about 2 ms of 3) than
running it, and plans it again at every scan, since psycopg2 sends every query
as text. :func:`execute_prepared` sends such a query as ``PREPARE`` once per
Odoo cursor and ``EXECUTE`` afterwards: after its first five runs PostgreSQL
keeps one generic plan for the statement (``plan_cache_mode = auto``; it goes
back to a plan per run only when a plan per run is estimated much cheaper), so
later runs pay the execution and no planning.

The statements live in the PostgreSQL session, not in a transaction: a
``ROLLBACK`` (of the transaction or of a savepoint) keeps them; DDL on the
tables they read makes PostgreSQL re-plan them by itself. But Odoo's connection
pool resets a connection each time it lends it to a new cursor
(``ConnectionPool.borrow`` calls psycopg2's ``connection.reset()``, which sends
``DISCARD ALL``): a statement lives as long as the Odoo cursor that prepared it,
one HTTP request or one cron run, never longer. So the helper keeps what it
prepared per Odoo cursor (the real one under a test cursor), in a
``WeakKeyDictionary``: a new cursor, on a new or a reused connection, another
worker, thread or database, prepares its own and never uses a name it did not
prepare; a closed cursor takes its entry with it.

What it buys is therefore the planning of the second and later runs *within one
cursor*: a loop sending one query shape many times (a long job, a batch of
scans in one request, a benchmark holding one cursor). A request that runs the
query once pays its planning as before (``PREPARE`` and ``EXECUTE`` go out in
one round trip, the first ``EXECUTE`` is planned like the plain query).

A name is recorded once the round trip that prepared it succeeded; when that
round trip fails (the ``EXECUTE`` after the ``PREPARE``, or the ``PREPARE``
itself), the next call prepares under a fresh name, never a name that might
exist already (a left-over statement costs a little session memory until the
connection's next reset, never an error).

The query is an ``odoo.tools.SQL`` as for ``cr.execute``: the same rows, the
same one statement in the query count (the first run sends ``PREPARE`` and
``EXECUTE`` in one round trip). Parameters are values (psycopg2 adapts them as
``EXECUTE`` arguments, where PostgreSQL casts them to the types it inferred
from their use: write ``%s::int`` where the use tells nothing); a tuple (``IN
%s``) is one parameter per element, so its length is part of the statement.
Queries whose text itself changes per call get one statement per text: use the
helper only for queries of a few fixed shapes.
"""

import re
import weakref

from odoo.sql_db import Cursor
from odoo.tools import SQL

# psycopg2's placeholders in an SQL object's code: "%%" a percent sign, "%s" a value
_PLACEHOLDER = re.compile(r"%[%s]")

# Odoo cursor -> {"names": {statement text: name}, "count": statements prepared}
_PREPARED = weakref.WeakKeyDictionary()


def execute_prepared(cr, query, prefix=None, log_exceptions=True):
    """Execute ``query`` (``odoo.tools.SQL``) on ``cr`` as a prepared statement of
    the cursor's connection (see the module); fetch its rows from ``cr`` as
    after ``cr.execute``. ``prefix``: an ``SQL`` sent before it in the same round
    trip (e.g. a ``SAVEPOINT``); ``log_exceptions``: ``cr.execute``'s."""
    text, args = _statement(query)
    state = _cursor_state(cr)
    name = state["names"].get(text)
    parts = []
    if name is None:
        state["count"] += 1
        name = f"serial_tracking_{state['count']}"
        parts.append(SQL(f"PREPARE {name} AS {text}"))
    parts.append(_execute_sql(name, args))
    statement = SQL("; ").join(parts)
    if prefix:
        separator = "" if prefix.code.rstrip().endswith(";") else ";"
        statement = SQL(f"%s{separator} %s", prefix, statement)
    try:
        cr.execute(statement, log_exceptions=log_exceptions)
    except Exception:
        state["names"].pop(text, None)
        raise
    state["names"][text] = name


def forget(cr):
    """Forget what was prepared on ``cr`` (after code deallocated its
    statements behind the helper's back)."""
    _PREPARED.pop(_real_cursor(cr), None)


def _real_cursor(cr):
    """The Odoo cursor that borrowed the connection (a test cursor's own)."""
    return cr if isinstance(cr, Cursor) else cr._cursor


def _cursor_state(cr):
    return _PREPARED.setdefault(_real_cursor(cr), {"names": {}, "count": 0})


def _statement(query):
    """``(text, args)``: the query's code with ``$1, $2...`` for its values (one
    per element of a tuple), ``%%`` kept for psycopg2 (the text goes out in the
    ``cr.execute`` of the ``EXECUTE``), and the flat list of values."""
    params = iter(query.params)
    args = []

    def number(match):
        if match.group() == "%%":
            return "%%"
        value = next(params)
        if isinstance(value, tuple):
            if not value:
                raise ValueError("an empty tuple cannot be an SQL parameter")
            start = len(args) + 1
            args.extend(value)
            return "({})".format(
                ", ".join(f"${i}" for i in range(start, len(args) + 1))
            )
        args.append(value)
        return f"${len(args)}"

    return _PLACEHOLDER.sub(number, query.code), args


def _execute_sql(name, args):
    if not args:
        return SQL(f"EXECUTE {name}")
    return SQL(f"EXECUTE {name}(%s)", SQL(", ").join(SQL("%s", a) for a in args))
