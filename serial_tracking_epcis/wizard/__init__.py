from . import serial_epcis_export_wizard
