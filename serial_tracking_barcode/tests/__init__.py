from . import test_dispatch_scan
