from . import product_template
from . import res_partner
from . import serial_batch
from . import serial_event
from . import stock_lot
from . import stock_move
from . import stock_move_line
from . import stock_picking
