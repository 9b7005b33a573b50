from . import test_capture
from . import test_capture_defects
