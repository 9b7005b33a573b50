{
    "name": "Serial Tracking: Capture at Receipt",
    "summary": "Scan, paste or import (CSV/XLSX) manufacturer serials and GS1 barcodes "
    "on receipts, every line checked before anything is written",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["serial_tracking_scheme", "barcodes"],
    "external_dependencies": {"python": ["biip", "openpyxl"]},
    "data": [
        "security/ir.model.access.csv",
        "wizard/serial_capture_views.xml",
        "views/stock_picking_views.xml",
    ],
    "installable": True,
}
