from odoo import api, fields, models

from ..tools.smart_buttons import related_action, set_related_counts


class SerialBatch(models.Model):
    """A production run or supplier batch that groups serial units.

    Units of a batch take their manufacture and expiration dates from it by default.
    """

    _name = "serial.batch"
    _description = "Serial Unit Batch"
    _inherit = "mail.thread"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Batch Number", required=True, index="trigram", tracking=True)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        domain="[('tracking', '!=', 'none')]",
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        index=True,
        help="Like its units, a batch belongs to its product's company "
        "(none: all companies).",
    )
    manufacture_date = fields.Date(tracking=True)
    expiration_date = fields.Datetime(tracking=True)
    supplier_id = fields.Many2one("res.partner", check_company=True)
    note = fields.Html()
    lot_ids = fields.One2many("stock.lot", "batch_id", "Units")
    unit_count = fields.Integer(compute="_compute_unit_count")

    _name_uniq = models.UniqueIndex(
        "(COALESCE(company_id, 0), product_id, name)",
        "A batch number must be unique per product and company.",
    )

    @api.depends("product_id.company_id")
    def _compute_company_id(self):
        for batch in self:
            batch.company_id = batch.product_id.company_id

    @api.depends("lot_ids")
    def _compute_unit_count(self):
        set_related_counts(self, "unit_count", "stock.lot", "batch_id")

    def action_view_units(self):
        return related_action(
            self,
            "serial_tracking.stock_lot_action_serial_units",
            "batch_id",
            default_product_id=self.product_id.id,
        )
