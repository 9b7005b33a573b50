from . import test_complaint_mrp
