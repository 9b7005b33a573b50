from . import stock_lot, serial_complaint, serial_complaint_sibling
