from . import test_symbology
from . import test_label_report
from . import test_label_pdf
