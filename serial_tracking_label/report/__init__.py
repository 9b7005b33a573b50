from . import report_serial_label
