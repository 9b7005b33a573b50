from . import serial_stock_report_wizard
