from . import test_generate_and_print
