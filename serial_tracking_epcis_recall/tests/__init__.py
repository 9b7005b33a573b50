from . import test_recall_epcis
