from . import gs1
from . import text
