{
    "name": "Serial Tracking: Reports",
    "summary": "Serial stock with its value as of a date, per batch, and warranty "
    "exposure, for inventory and accounting",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking", "stock_account"],
    "data": [
        "security/serial_tracking_report_security.xml",
        "security/ir.model.access.csv",
        "views/serial_stock_report_views.xml",
        "views/serial_batch_report_views.xml",
        "views/serial_warranty_report_views.xml",
        "wizard/serial_stock_report_wizard_views.xml",
        "views/serial_tracking_report_menus.xml",
    ],
    "installable": True,
}
