from . import serial_capture_input
from . import serial_capture_writer
from . import serial_capture
