{
    "name": "Serial Tracking: Serial Schemes in Manufacturing",
    "summary": "Manufacturing orders name their serials with the product's serial "
    "scheme (single units and the Assign Serial Numbers wizard)",
    "version": "19.0.1.0.0",
    "category": "Manufacturing/Manufacturing",
    "website": "https://github.com/serial-tracking/serial_tracking",
    "author": "serial_tracking contributors",
    "maintainers": ["serial-tracking"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["serial_tracking_scheme", "mrp"],
    "data": ["wizard/mrp_production_serials_views.xml"],
    "auto_install": True,
    "installable": True,
}
