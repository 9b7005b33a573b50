from . import mrp_production_serials
