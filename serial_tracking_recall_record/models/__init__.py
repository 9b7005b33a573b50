from . import (
    serial_recall_export,
    serial_recall,
    serial_recall_check,
    serial_recall_drill,
    serial_complaint_sibling,
    serial_root_cause,
)
