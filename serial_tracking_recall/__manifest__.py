{
    "name": "Serial Tracking: Recalls",
    "summary": "Recall campaigns: every affected unit among millions, split into held "
    "and delivered, quarantine, customer notices, per-unit status, value at stake",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking", "stock_account", "mail"],
    "data": [
        "security/serial_tracking_recall_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/serial_recall_line_views.xml",
        "views/serial_recall_customer_views.xml",
        "views/serial_recall_views.xml",
        "views/stock_lot_views.xml",
        "views/serial_recall_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "serial_tracking_recall/static/tests/tours/**/*",
        ],
    },
    "installable": True,
}
