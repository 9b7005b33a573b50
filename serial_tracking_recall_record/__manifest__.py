{
    "name": "Serial Tracking: Recall Records",
    "summary": "Recalls started from a complaint's sibling group; regulator-grade "
    "records (class, depth, effectiveness checks, status report), consumer notice, "
    "one-step-back/one-step-forward exports and mock-recall drills",
    "version": "19.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["serial_tracking_complaint", "serial_tracking_recall"],
    "data": [
        "security/serial_tracking_recall_record_security.xml",
        "security/ir.model.access.csv",
        "report/report_recall_notice.xml",
        "report/serial_recall_record_reports.xml",
        "views/serial_recall_views.xml",
        "views/serial_complaint_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
