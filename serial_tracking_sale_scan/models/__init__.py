from . import sale_scan_unit
from . import sale_order
from . import stock_picking
