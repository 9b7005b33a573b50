import logging

_logger = logging.getLogger(__name__)
CHUNK = 10000


def post_init_hook(env):
    """Give the serial units that exist before the install their real state."""
    lot_ids = env["stock.lot"].search([("product_id.tracking", "=", "serial")]).ids
    for start in range(0, len(lot_ids), CHUNK):
        lots = env["stock.lot"].browse(lot_ids[start : start + CHUNK])
        lots._refresh_unit_state()
        lots.invalidate_recordset()
    _logger.info(
        "serial_tracking: states of %s existing serial units set", len(lot_ids)
    )
