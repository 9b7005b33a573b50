{
    "name": "Serial Tracking: Recalls on the Public Lookup",
    "summary": "The public lookup page of a recalled unit names its recall and says "
    "what to do, from the open recall of the unit; never a customer's data",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking_lookup", "serial_tracking_recall"],
    "auto_install": True,
    "installable": True,
}
