from . import symbology
from . import zpl
