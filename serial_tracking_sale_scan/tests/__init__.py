from . import test_sale_scan
from . import test_sale_scan_concurrency
