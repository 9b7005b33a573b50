{
    "name": "Serial Tracking: EPCIS 2.0",
    "summary": "Every unit's history as GS1 EPCIS 2.0 events: documents for a unit, "
    "a batch or a period, and an EPCIS query endpoint with Odoo API keys",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking", "account"],
    "data": [
        "security/ir.model.access.csv",
        "wizard/serial_epcis_export_wizard_views.xml",
        "views/stock_lot_views.xml",
        "views/serial_batch_views.xml",
    ],
    "installable": True,
}
