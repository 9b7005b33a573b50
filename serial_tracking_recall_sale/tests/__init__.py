from . import test_recall_sale_value
