from . import (
    serial_complaint_stage,
    serial_complaint_category,
    serial_complaint,
    serial_complaint_sibling,
    serial_root_cause,
    serial_event,
    stock_lot,
    res_partner,
)
