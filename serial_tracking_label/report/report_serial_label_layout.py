from odoo import api, models


class ReportSerialLabelRoll50x25(models.AbstractModel):
    """The PDF labels of one layout, printed on that layout's paper format.

    Odoo's report routes (``/report/pdf/<report_name>``, ``/report/download``) find
    the report, hence its paper format, by ``report_name``: each layout has its own
    report name, and the layout of the labels always follows it, whatever ``data``
    says, so labels and paper never disagree.
    """

    _name = "report.serial_tracking_label.report_serial_label_roll_50x25"
    _inherit = "report.serial_tracking_label.report_serial_label"
    _description = "Serial Unit Labels 50 x 25 mm"
    _label_layout = "roll_50x25"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = dict(data or {}, layout=self._label_layout)
        return super()._get_report_values(docids, data)


class ReportSerialLabelRoll100x50(models.AbstractModel):
    _name = "report.serial_tracking_label.report_serial_label_roll_100x50"
    _inherit = "report.serial_tracking_label.report_serial_label_roll_50x25"
    _description = "Serial Unit Labels 100 x 50 mm"
    _label_layout = "roll_100x50"


class ReportSerialLabelA43x7(models.AbstractModel):
    _name = "report.serial_tracking_label.report_serial_label_a4_3x7"
    _inherit = "report.serial_tracking_label.report_serial_label_roll_50x25"
    _description = "Serial Unit Labels A4 3 x 7"
    _label_layout = "a4_3x7"
