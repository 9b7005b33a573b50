from . import sale_scan_unit
from . import sale_order
from . import serial_scan_sale
from . import stock_move
from . import stock_picking
from . import stock_quant
