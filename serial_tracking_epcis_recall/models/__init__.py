from . import serial_epcis
from . import serial_recall
