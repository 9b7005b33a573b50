from . import serial_dispatch_scan
from . import stock_lot
from . import stock_picking
