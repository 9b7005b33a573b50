from . import count_result
