{
    "name": "Serial Tracking",
    "summary": "Serial unit records: lifecycle state, timeline, batches, warranty, "
    "and instant search by serial, manufacturer serial or GS1 barcode",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["stock", "product_expiry"],
    "external_dependencies": {"python": ["biip"]},
    "data": [
        "security/serial_tracking_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/serial_event_views.xml",
        "views/serial_batch_views.xml",
        "views/stock_lot_views.xml",
        "views/stock_move_line_views.xml",
        "views/stock_picking_views.xml",
        "views/product_template_views.xml",
        "views/res_partner_views.xml",
        "views/serial_tracking_menus.xml",
    ],
    "demo": [
        "demo/serial_tracking_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "serial_tracking/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "serial_tracking/static/tests/**/*",
            ("remove", "serial_tracking/static/tests/tours/**/*"),
        ],
        "web.assets_tests": [
            "serial_tracking/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
