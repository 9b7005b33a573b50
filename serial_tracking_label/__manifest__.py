{
    "name": "Serial Tracking Labels",
    "summary": "Print serial unit labels: Code 128, GS1-128, GS1 DataMatrix, "
    "QR Digital Link, EAN-13/UPC-A, as PDF sheets or rolls and ZPL for Zebra printers",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": False,
    "depends": ["serial_tracking"],
    "external_dependencies": {
        "python": ["python-barcode", "zint-bindings", "python-stdnum"]
    },
    "data": [
        "security/ir.model.access.csv",
        "report/serial_tracking_label_reports.xml",
        "report/report_serial_label.xml",
        "wizard/serial_label_wizard_views.xml",
        "views/stock_picking_views.xml",
        "views/stock_lot_views.xml",
    ],
    "installable": True,
}
