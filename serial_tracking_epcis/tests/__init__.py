from . import test_epcis_document
from . import test_epcis_rest
