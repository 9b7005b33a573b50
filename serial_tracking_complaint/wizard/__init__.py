from . import serial_complaint_link
