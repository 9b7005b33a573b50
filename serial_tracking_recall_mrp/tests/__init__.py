from . import test_recall_genealogy
