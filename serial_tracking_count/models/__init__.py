from . import serial_event
from . import serial_count
from . import serial_count_line
from . import serial_scan_count
