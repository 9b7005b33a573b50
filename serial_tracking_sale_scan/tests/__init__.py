from . import test_sale_decision
from . import test_sale_scan
from . import test_sale_scan_concurrency
from . import test_order_scan_ui
from . import test_sale_scan_equivalence
from . import test_sale_scan_global
