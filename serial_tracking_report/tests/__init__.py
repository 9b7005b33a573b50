from . import test_serial_stock_report
from . import test_serial_warranty_report
