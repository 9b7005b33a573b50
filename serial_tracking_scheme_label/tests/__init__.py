from . import test_generate_and_print
from . import test_scheme_serials_print
