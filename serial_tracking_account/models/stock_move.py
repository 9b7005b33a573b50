from odoo import models

from odoo.addons.serial_tracking.tools import columns


class StockMove(models.Model):
    _inherit = "stock.move"

    def _get_in_move_lines(self, lot=None):
        """The incoming move lines of ``self`` that stock_account values, as Odoo
        selects them: see :meth:`_serial_valued_lines`. Odoo's own path of
        validation (context ``serial_fast_off``) keeps Odoo's method."""
        if self.env.context.get("serial_fast_off"):
            return super()._get_in_move_lines(lot=lot)
        return self._serial_valued_lines(lot, inward=True)

    def _get_out_move_lines(self, lot=None):
        """The outgoing move lines of ``self`` that stock_account values, as Odoo
        selects them, without Odoo's one union per line (quadratic in the number
        of lines): see :meth:`_serial_valued_lines`. Odoo's own path of validation
        (context ``serial_fast_off``) keeps Odoo's method."""
        if self.env.context.get("serial_fast_off"):
            return super()._get_out_move_lines(lot=lot)
        return self._serial_valued_lines(lot, inward=False)

    def _serial_valued_lines(self, lot, inward):
        """The move lines of ``self`` (of ``lot`` when given) that stock_account
        values as incoming (``inward``: from a location that is not valued to one
        that is) or outgoing (the other way round), picked and not excluded for
        valuation, in Odoo's order.

        Stock_account asks this of every move several times while validating it
        (is it in, is it out, how much is valued), a few thousand lines each time
        for a big delivery of serial units. So the locations and owners are read
        for all lines at once (each location asked once whether it is valued):
        when every line crosses the border the asked way (a delivery asked for its
        outgoing lines) or none can (the same delivery asked for its incoming
        ones), no line is looked at one by one for it; the picked flag still is."""
        lines = self.move_line_ids
        if lot:
            lines = lines.filtered(lambda line: line.lot_id == lot)
        sources, destinations = lines.location_id, lines.location_dest_id
        valued = {loc: loc._should_be_valued() for loc in sources | destinations}
        source_valued, dest_valued = not inward, inward
        source_kinds = {valued[loc] for loc in sources}
        dest_kinds = {valued[loc] for loc in destinations}
        if source_valued not in source_kinds or dest_valued not in dest_kinds:
            return lines.browse()
        if len(source_kinds) > 1 or len(dest_kinds) > 1:
            lines = lines.filtered(
                lambda line: (
                    valued[line.location_id] == source_valued
                    and valued[line.location_dest_id] == dest_valued
                )
            )
        # Odoo's filtered("picked"), the flags read from the cache in bulk.
        lines = lines.browse(
            [
                line_id
                for line_id, picked in zip(
                    lines._ids, columns.cache_values(lines, "picked"), strict=True
                )
                if picked
            ]
        )
        if not lines.owner_id:
            return lines
        return lines.filtered(lambda line: not line._should_exclude_for_valuation())
