from . import test_gs1
from . import test_multi_company
from . import test_serial_batch
from . import test_serial_event
from . import test_serial_search
from . import test_stock_lot_bulk
from . import test_stock_lot_lifecycle
from . import test_ui
