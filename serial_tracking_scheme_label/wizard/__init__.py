from . import serial_generate_units
