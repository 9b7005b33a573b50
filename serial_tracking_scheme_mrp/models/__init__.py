from . import ir_sequence
from . import mrp_production
