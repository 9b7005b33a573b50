#!/usr/bin/env python3
"""``odoo-bin`` for the benchmark's multi-worker server, without a websocket process.

A prefork Odoo starts its gevent (websocket) process by re-running its own
``argv[0]`` with ``gevent``, and starts it again each second while it is not
running. The public pages measured here need no websocket, and on a machine where
gevent cannot start (a missing package) the restarts would eat a core: run as that
process, this script only waits to be stopped.
"""

import signal
import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["gevent"]:
        signal.pause()
    else:
        from odoo.cli.command import main

        main()
