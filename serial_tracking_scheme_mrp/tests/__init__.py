from . import test_mrp_production
from . import test_mrp_production_serials
