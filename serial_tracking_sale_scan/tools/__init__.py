from . import order_totals
from . import sale_scan_sql
from . import scan_totals
