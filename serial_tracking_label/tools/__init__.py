from . import symbology
