{
    "name": "Serial Tracking: Recalls and Sales",
    "summary": "The value at stake of a recall's delivered units at their sale price",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking_recall", "sale_stock"],
    "data": [
        "views/serial_recall_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
