from . import stock_move
