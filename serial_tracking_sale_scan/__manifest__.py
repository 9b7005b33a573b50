{
    "name": "Serial Tracking Sell by Scan",
    "summary": "Build sales orders by scanning unit labels: each serial is tied to "
    "the order and its delivery reserves exactly the scanned units",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking_barcode", "sale_stock"],
    "auto_install": True,
    "data": [
        "security/serial_tracking_sale_scan_security.xml",
        "security/ir.model.access.csv",
        "views/sale_order_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "serial_tracking_sale_scan/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "serial_tracking_sale_scan/static/tests/**/*",
            ("remove", "serial_tracking_sale_scan/static/tests/tours/**/*"),
        ],
        "web.assets_tests": [
            "serial_tracking_sale_scan/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
