from . import serial_dispatch_scan
from . import serial_scan_service
from . import serial_scan_dispatch
from . import serial_scan_flow
from . import serial_scan_receive
from . import serial_scan_transfer
from . import stock_lot
from . import stock_picking
