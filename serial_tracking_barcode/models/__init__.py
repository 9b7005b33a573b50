from . import serial_dispatch_scan
from . import serial_scan_service
from . import serial_scan_dispatch
from . import stock_lot
from . import stock_picking
