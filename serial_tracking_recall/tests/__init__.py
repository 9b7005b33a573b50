from . import test_recall_flow
from . import test_recall_scope
