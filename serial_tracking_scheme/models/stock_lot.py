from collections import defaultdict

from odoo import api, models
from odoo.exceptions import ValidationError


class StockLot(models.Model):
    _inherit = "stock.lot"

    @api.model
    def generate_lot_names(self, first_lot, count):
        """Odoo's "Generate Serials" increments the last number of the first serial;
        when a serial scheme drew the names already (see stock.move), hand those out
        instead."""
        names = self.env.context.get("serial_scheme_lot_names")
        if names is not None and len(names) == count:
            return [{"lot_name": name} for name in names]
        return super().generate_lot_names(first_lot, count)

    @api.model
    def _get_next_serial(self, company, product):
        """Next serial proposed by manufacturing orders, repairs: the scheme's."""
        if product.tracking == "serial":
            scheme = product._serial_scheme(company)
            if scheme:
                return scheme._generate_names(product, 1)[0]
        return super()._get_next_serial(company, product)

    @api.depends("product_id")
    def _compute_name(self):
        """Units created without a name take one from their product's scheme (drawn per
        product in one go), before Odoo's product lot sequence."""
        todo = self.filtered(
            lambda lot: not lot.name and lot.product_id.tracking == "serial"
        )
        done = self.browse()
        for (product, company), lots in todo.grouped(
            lambda lot: (lot.product_id, lot.company_id or self.env.company)
        ).items():
            scheme = product._serial_scheme(company)
            if scheme:
                for lot, name in zip(
                    lots, scheme._generate_names(product, len(lots)), strict=True
                ):
                    lot.name = name
                done |= lots
        return super(StockLot, self - done)._compute_name()

    @api.constrains("name", "product_id", "company_id")
    def _check_unique_lot(self):
        """Odoo's rule (unique per product and company) plus, for companies that ask for
        it, unique across all their products. One grouped query for the batch."""
        res = super()._check_unique_lot()
        flagged = (
            self.env["res.company"]
            .sudo()
            .search([("serial_unique_in_company", "=", True)])
        )
        if not flagged:
            return res
        # Units without company belong to every company: they count for each of them.
        companies = (self.company_id | self.env.company) & flagged
        lots = self.filtered(
            lambda lot: (lot.company_id or self.env.company) in companies
        )
        if not lots:
            return res
        groups = (
            self.sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("name", "in", lots.mapped("name")),
                    "|",
                    ("company_id", "in", companies.ids),
                    ("company_id", "=", False),
                ],
                ["company_id", "name"],
                ["__count"],
            )
        )
        shared = defaultdict(int)
        for company, name, count in groups:
            if not company:
                shared[name] += count
        duplicates = sorted(
            {
                (company.display_name if company else "", name)
                for company, name, count in groups
                if count + (shared[name] if company else 0) > 1
            }
        )
        if duplicates:
            raise ValidationError(
                self.env._(
                    "Serial numbers must be unique across all products of the company. "
                    "Used more than once:\n%(lines)s",
                    lines="\n".join(
                        f" - {company}: {name}" if company else f" - {name}"
                        for company, name in duplicates[:50]
                    ),
                )
            )
        return res
