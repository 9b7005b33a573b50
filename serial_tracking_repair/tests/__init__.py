from . import test_repair_warranty
