from . import order_totals
