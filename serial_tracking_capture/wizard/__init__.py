from . import serial_capture
