from . import ir_http
from . import res_company
from . import res_config_settings
from . import serial_lookup
from . import serial_lookup_counter
from . import serial_lookup_log
from . import stock_lot
