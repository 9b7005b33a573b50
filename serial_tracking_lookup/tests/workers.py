"""Start a real multi-worker Odoo server on the test database, for tests that must
see several worker processes (``odoo --workers=2``): the server's own processes
answer, each with its own connections, on free loopback ports."""

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

from odoo.tools import config

# "2026-12-01 09:22:56,123 4242 INFO db werkzeug: ... "GET /path HTTP/1.1" 429 - ..."
REQUEST_LOG = re.compile(
    r'^\S+ \S+ (?P<pid>\d+) INFO \S+ werkzeug: .*"(?:GET|HEAD) (?P<path>\S+) '
    r'HTTP/1\.[01]" (?P<status>\d{3})'
)


def odoo_bin():
    """This file, run as the server's script (see the end of the file)."""
    return os.path.abspath(__file__)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def workers_server(dbname, workers=2, extra_args=()):
    """Yield ``(port, log path)`` of ``odoo --workers=N`` serving ``dbname``; the
    server (started here, in its own process group) is stopped on exit."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="st_lookup_workers_") as tmp:
        log = os.path.join(tmp, "server.log")
        args = [sys.executable, odoo_bin()]
        if config["config"] and os.path.exists(config["config"]):
            args += ["-c", config["config"]]
        args += [
            f"--addons-path={','.join(config['addons_path'])}",
            "-d",
            dbname,
            f"--db-filter=^{re.escape(dbname)}$",
            f"--workers={workers}",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={free_port()}",
            "--limit-time-real=120",
            "--log-level=info",
            f"--logfile={log}",
            *extra_args,
        ]
        process = subprocess.Popen(
            args, start_new_session=True, stdout=subprocess.DEVNULL
        )
        try:
            _wait_ready(port, process, log)
            yield port, log
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _wait_ready(port, process, log, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"odoo exited with {process.returncode}: {_tail(log)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if request(port, "GET", "/web/health")[0] == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"odoo did not answer on port {port}: {_tail(log)}")


def _tail(path, lines=30):
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as file:
        return "".join(file.readlines()[-lines:])


def request(port, method, target, headers=None, source="127.0.0.1", timeout=30):
    """One request on a connection of its own: ``(status, headers, body)``."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.putheader("Connection", "close")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def answered_by(log):
    """``{request path: (worker pid, status)}`` from the server's request log."""
    found = {}
    with open(log, encoding="utf-8", errors="replace") as file:
        for line in file:
            match = REQUEST_LOG.match(line)
            if match:
                found[match["path"]] = (int(match["pid"]), int(match["status"]))
    return found


if __name__ == "__main__":
    # Run as the server's script. A prefork Odoo starts its gevent (websocket)
    # process by re-running its own argv[0] with "gevent", and again each second
    # while it is not running; the tests need no websocket, and where gevent cannot
    # start the restarts would eat a core: as that process, only wait to be stopped.
    if sys.argv[1:2] == ["gevent"]:
        signal.pause()
    else:
        sys.path.remove(os.path.dirname(os.path.abspath(__file__)))
        from odoo.cli.command import main

        main()
