from . import test_out_move_lines
