{
    "name": "Serial Tracking: Complaints in Manufacturing",
    "summary": "A complaint's story backwards goes down every level of production "
    "orders and component lots; siblings by production order and component lot",
    "version": "19.0.1.0.0",
    "category": "Manufacturing/Manufacturing",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["serial_tracking_complaint", "mrp"],
    "data": ["views/serial_complaint_views.xml"],
    "auto_install": True,
    "installable": True,
}
