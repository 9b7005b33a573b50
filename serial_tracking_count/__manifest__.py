{
    "name": "Serial Tracking Count",
    "summary": "Stock counts by serial: scan a location, see found, missing and "
    "unexpected units live, apply as Odoo inventory adjustments",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking_barcode"],
    "data": [
        "security/serial_tracking_count_security.xml",
        "security/ir.model.access.csv",
        "views/serial_count_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "serial_tracking_count/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "serial_tracking_count/static/tests/**/*",
            ("remove", "serial_tracking_count/static/tests/tours/**/*"),
        ],
        "web.assets_tests": [
            "serial_tracking_count/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
