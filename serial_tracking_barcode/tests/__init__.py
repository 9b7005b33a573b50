from . import test_dispatch_scan
from . import test_dispatch_concurrency
from . import test_dispatch_ui
