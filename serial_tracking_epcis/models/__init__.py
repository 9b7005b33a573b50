from . import serial_epcis
from . import serial_batch
from . import stock_lot
