from . import report_serial_label
from . import report_serial_label_layout
