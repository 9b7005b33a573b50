from odoo import api, models

from odoo.addons.serial_tracking.tools.query_settings import no_jit


class SerialReportQueryMixin(models.AbstractModel):
    """Runs a report's queries without PostgreSQL's JIT compilation (see
    ``serial_tracking.tools.query_settings.no_jit``): the reports' queries are big
    and their plans estimate every unit (a million), so PostgreSQL would compile
    them for seconds for a list page read in milliseconds."""

    _name = "serial.report.query.mixin"
    _description = "Serial Report Query Settings"

    @api.model
    def _serial_report_query_settings(self):
        no_jit(self.env.cr)

    @api.model
    def search_fetch(self, domain, field_names=None, offset=0, limit=None, order=None):
        self._serial_report_query_settings()
        return super().search_fetch(
            domain, field_names, offset=offset, limit=limit, order=order
        )

    @api.model
    @api.readonly
    def search_count(self, domain, limit=None):
        self._serial_report_query_settings()
        return super().search_count(domain, limit=limit)

    @api.model
    def _read_group(self, *args, **kwargs):
        self._serial_report_query_settings()
        return super()._read_group(*args, **kwargs)

    @api.model
    def _read_grouping_sets(self, *args, **kwargs):
        self._serial_report_query_settings()
        return super()._read_grouping_sets(*args, **kwargs)
