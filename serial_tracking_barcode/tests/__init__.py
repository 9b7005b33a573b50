from . import test_dispatch_scan
from . import test_dispatch_concurrency
from . import test_dispatch_ui
from . import test_scan_decision
from . import test_scan_defects
from . import test_scan_concurrency
from . import test_scan_queries
from . import test_scan_sql_equivalence
