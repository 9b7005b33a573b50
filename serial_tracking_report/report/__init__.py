from . import serial_report_query_mixin
from . import serial_unit_report_mixin
from . import serial_stock_quantity_mixin
from . import serial_stock_lot_value_mixin
from . import serial_stock_report
from . import serial_batch_report
from . import serial_warranty_report
