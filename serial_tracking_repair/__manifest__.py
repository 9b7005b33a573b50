{
    "name": "Serial Tracking: Repairs and Warranty",
    "summary": "Warranty claims by serial: a repair order shows the unit's warranty, "
    "sets Odoo's Under Warranty from it and writes the repair on the unit's timeline",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking_lookup", "repair"],
    "data": [
        "views/repair_order_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
