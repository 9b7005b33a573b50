from . import test_count_decision
from . import test_count_result
from . import test_serial_count
from . import test_count_concurrency
from . import test_count_scan_ui
from . import test_count_units_sql
