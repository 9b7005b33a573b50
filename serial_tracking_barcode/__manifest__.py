{
    "name": "Serial Tracking Barcode Dispatch",
    "summary": "Barcode screens on one scan engine: dispatch deliveries, receive "
    "receipts and transfer units by scan, safe for several scanners at once",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking", "barcodes"],
    "external_dependencies": {"python": ["biip"]},
    "data": [
        "security/serial_tracking_barcode_security.xml",
        "security/ir.model.access.csv",
        "views/serial_dispatch_scan_views.xml",
        "views/stock_picking_views.xml",
        "views/serial_tracking_barcode_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "serial_tracking_barcode/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "serial_tracking_barcode/static/tests/**/*",
            ("remove", "serial_tracking_barcode/static/tests/tours/**/*"),
        ],
        "web.assets_tests": [
            "serial_tracking_barcode/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
