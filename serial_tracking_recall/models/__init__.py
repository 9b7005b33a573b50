from . import serial_recall
from . import serial_recall_actions
from . import serial_recall_line
from . import serial_recall_customer
from . import stock_lot
from . import stock_move
from . import stock_warehouse
