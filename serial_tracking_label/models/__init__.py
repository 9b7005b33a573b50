from . import serial_batch
from . import stock_lot
from . import stock_picking
