{
    "name": "Serial Tracking: Recalls and Manufacturing",
    "summary": "Recall every unit built from a component lot or serial, through every "
    "level of sub-assembly",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking_recall", "mrp"],
    "data": [
        "views/serial_recall_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
