from . import test_serial_complaint, test_complaint_siblings, test_root_cause
