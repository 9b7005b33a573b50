from . import test_scheme_tools
from . import test_serial_scheme
from . import test_generation
from . import test_concurrency
from . import test_generate_serial_preview
from . import test_ui
from . import test_scheme_defects
