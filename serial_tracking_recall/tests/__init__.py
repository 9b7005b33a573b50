from . import test_recall_flow
from . import test_recall_scope
from . import test_recall_split
from . import test_recall_ui
from . import test_recall_quarantine
