from . import test_recall_from_complaint, test_recall_record
