{
    "name": "Serial Tracking: Serial Schemes",
    "summary": "Meaningful serial numbers (codes, dates, counter, check character, "
    "authenticity code) from PostgreSQL sequences, fast for very large receipts",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["serial_tracking"],
    "external_dependencies": {"python": ["python-stdnum"]},
    "data": [
        "security/serial_tracking_scheme_security.xml",
        "security/ir.model.access.csv",
        "wizard/serial_generate_units_views.xml",
        "views/serial_scheme_views.xml",
        "views/product_views.xml",
        "views/stock_picking_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "serial_tracking_scheme/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "serial_tracking_scheme/static/tests/**/*",
        ],
    },
    "installable": True,
}
