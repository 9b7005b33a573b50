from . import test_lookup_recall
