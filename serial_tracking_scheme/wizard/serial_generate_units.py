from odoo import api, fields, models
from odoo.exceptions import UserError

MAX_UNITS = 1_000_000


class SerialGenerateUnits(models.TransientModel):
    """Make serial units ahead of stock, e.g. to print the labels of a production run
    before the goods exist. Units start "Not received" and their timeline says when and
    by whom they were generated."""

    _name = "serial.generate.units"
    _description = "Generate Serial Units"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('tracking', '=', 'serial')]",
    )
    scheme_id = fields.Many2one(
        "serial.scheme", compute="_compute_scheme_id", string="Serial Scheme"
    )
    quantity = fields.Integer("Number of Units", required=True, default=1)
    production_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Date of the date tokens of the serials and manufacture date of the "
        "units.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        "Site",
        check_company=True,
        help="Site whose code the {site} token shows.",
    )
    batch_id = fields.Many2one(
        "serial.batch",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    preview = fields.Text(compute="_compute_preview")

    @api.depends("product_id", "company_id")
    def _compute_scheme_id(self):
        for wizard in self:
            wizard.scheme_id = (
                wizard.product_id._serial_scheme(wizard.company_id)
                if wizard.product_id
                else False
            )

    @api.depends("scheme_id", "product_id", "production_date", "warehouse_id")
    def _compute_preview(self):
        """What Generate will give: this product's codes, the production date and
        site entered, the scheme that applies (not the product's own one)."""
        for wizard in self:
            wizard.preview = (
                wizard.scheme_id._preview_text(
                    wizard.product_id,
                    when=wizard.production_date,
                    warehouse=wizard.warehouse_id,
                )
                if wizard.scheme_id
                else False
            )

    def action_generate(self):
        self.ensure_one()
        self._check_can_generate()
        lots = self._generate()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_production_lot_form"
        )
        action["domain"] = [("id", "in", lots.ids)]
        action["context"] = {"default_product_id": self.product_id.id}
        return action

    def _check_can_generate(self):
        if not 0 < self.quantity <= MAX_UNITS:
            raise UserError(
                self.env._(
                    "The number of units must be between 1 and %(max)s.", max=MAX_UNITS
                )
            )
        if not self.scheme_id:
            raise UserError(
                self.env._(
                    "No serial scheme applies to %(product)s: create one for the "
                    "product, "
                    "its category or the company.",
                    product=self.product_id.display_name,
                )
            )

    def _generate(self):
        """Draw the serials, create the units and their 'generated' events: one query
        for the counters, one ``create`` for the units, one for the events."""
        names = self.scheme_id._generate_names(
            self.product_id,
            self.quantity,
            when=self.production_date,
            warehouse=self.warehouse_id,
        )
        lots = (
            self.env["stock.lot"]
            .with_context(
                tracking_disable=True, mail_create_nolog=True, mail_notrack=True
            )
            .create(
                [
                    {
                        "name": name,
                        "product_id": self.product_id.id,
                        "company_id": self.company_id.id,
                        "manufacture_date": self.production_date,
                        "batch_id": self.batch_id.id,
                    }
                    for name in names
                ]
            )
        )
        lots._log_events(
            "generated",
            reference=self.batch_id.name or self.scheme_id.name,
            description=self.env._(
                "Generated ahead of stock with scheme %(scheme)s.",
                scheme=self.scheme_id.name,
            ),
        )
        return lots
