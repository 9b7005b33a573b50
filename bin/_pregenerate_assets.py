"""Generate the asset bundles of a database before its browser tests,
as Odoo's own test runner does when a suite holds HttpCase tests
(odoo/service/server.py, post-install tests).

pytest-odoo does not: the first tour then compiles the bundles inside its
request while holding the test cursor's lock, and on a loaded machine the
browser's parallel requests give up after 20 s ("Unable to acquire lock for
test cursor").

    python3 bin/_pregenerate_assets.py <odoo config file> <database>
"""

import sys

from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config


def main(conf, dbname):
    config.parse_config(["-c", conf, "--log-level=warn"])
    with Registry(dbname).cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        env["ir.qweb"]._pregenerate_assets_bundles()


if __name__ == "__main__":
    main(*sys.argv[1:3])
