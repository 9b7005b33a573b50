from . import serial_label_mixin
from . import serial_batch
from . import stock_lot
from . import stock_picking
