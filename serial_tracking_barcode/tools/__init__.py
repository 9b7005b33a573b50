from . import scan_decision
