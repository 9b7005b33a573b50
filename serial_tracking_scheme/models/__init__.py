from . import product_category
from . import product_product
from . import product_template
from . import res_company
from . import serial_scheme
from . import stock_lot
from . import stock_move
from . import stock_picking
