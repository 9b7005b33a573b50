from . import stock_lot
