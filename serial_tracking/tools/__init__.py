from . import bulk_update
from . import constraints
from . import gs1
from . import query_settings
from . import serial_charset
from . import text
from . import transfer_date
from . import unit_state
