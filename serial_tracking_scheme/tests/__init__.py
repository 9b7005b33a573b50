from . import test_scheme_tools
from . import test_serial_scheme
from . import test_generation
from . import test_concurrency
