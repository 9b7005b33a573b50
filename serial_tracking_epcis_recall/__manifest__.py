{
    "name": "Serial Tracking: EPCIS 2.0 for Recalls",
    "summary": "The EPCIS 2.0 document of a recall's units, from the recall's form",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking_epcis", "serial_tracking_recall"],
    "data": [
        "views/serial_recall_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
