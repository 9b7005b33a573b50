from . import gs1
from . import query_settings
from . import serial_charset
from . import text
from . import unit_state
