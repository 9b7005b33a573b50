from . import epcis
