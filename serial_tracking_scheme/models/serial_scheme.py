from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import scheme as scheme_tools
from ..tools import scheme_messages

SYMBOLOGIES = [(key, label) for key, (label, _rule) in scheme_tools.SYMBOLOGIES.items()]
PREVIEW_COUNT = 5
# Random-only patterns may collide with existing serials: draw again this many times.
RANDOM_RETRIES = 5


class SerialScheme(models.Model):
    """How the serials of a product look and where their counter comes from.

    A scheme applies to one product, to a product category (and its sub-categories), or,
    with neither, to every serial-tracked product of its company. Resolution order:
    product > nearest category > company default (see :meth:`_for_products`). Counters
    come from a PostgreSQL sequence (an ``ir.sequence`` with the 'standard'
    implementation), so concurrent transactions and workers never draw the same value.
    """

    _name = "serial.scheme"
    _description = "Serial Number Scheme"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    pattern = fields.Char(
        required=True,
        default="{product}-{yy}{ww}-{counter:6}{check}",
        help="Literal text and tokens: {product} {category} {site} {yyyy} {yy} {mm} "
        "{ww} "
        "{dd} {ddd} {counter:N} {random:N} {auth:N} {check}. "
        "{product:4} keeps the first 4 characters of the code.",
    )
    product_id = fields.Many2one(
        "product.product",
        index="btree_not_null",
        check_company=True,
        domain="[('tracking', '=', 'serial')]",
        help="Only for this product.",
    )
    categ_id = fields.Many2one(
        "product.category",
        "Product Category",
        index="btree_not_null",
        help="For the products of this category and its sub-categories.",
    )
    symbology = fields.Selection(
        SYMBOLOGIES,
        "Label Symbology",
        required=True,
        default="code128",
        help="Barcode the serials are printed with: it limits the allowed characters.",
    )
    max_length = fields.Integer(
        "Maximum Length", required=True, default=32, help="Longest serial allowed."
    )
    random_alphabet = fields.Char(
        default=scheme_tools.DEFAULT_RANDOM_ALPHABET,
        required=True,
        help="Characters of the {random:N} block.",
    )
    sequence_id = fields.Many2one(
        "ir.sequence", "Counter", readonly=True, copy=False, ondelete="restrict"
    )
    counter_next = fields.Integer(
        "Next Counter Value",
        compute="_compute_counter_next",
        inverse="_inverse_counter_next",
        help="Value the next serial's {counter} takes.",
    )
    unique_in_company = fields.Boolean(
        related="company_id.serial_unique_in_company", readonly=False
    )
    preview = fields.Text(
        compute="_compute_preview",
        help="The next serials, without drawing them from the counter.",
    )

    _product_uniq = models.UniqueIndex(
        "(company_id, product_id) WHERE product_id IS NOT NULL AND active",
        "A product can have only one active serial scheme per company.",
    )
    _categ_uniq = models.UniqueIndex(
        "(company_id, categ_id) WHERE categ_id IS NOT NULL AND product_id IS NULL AND "
        "active",
        "A product category can have only one active serial scheme per company.",
    )
    _default_uniq = models.UniqueIndex(
        "(company_id) WHERE categ_id IS NULL AND product_id IS NULL AND active",
        "A company can have only one active default serial scheme.",
    )
    _max_length_positive = models.Constraint(
        "CHECK (max_length > 0)", "The maximum length must be positive."
    )

    # ---- compiled scheme and translated errors ---------------------------------------
    def _compiled(self):
        self.ensure_one()
        try:
            return scheme_tools.Scheme(
                self.pattern,
                symbology=self.symbology,
                max_length=self.max_length,
                alphabet=self.random_alphabet,
            )
        except scheme_tools.SchemeError as error:
            raise ValidationError(self._error_message(error)) from error

    def _error_message(self, error):
        """Translated text of a :class:`SchemeError` (its ``code`` names the rule)."""
        return scheme_messages.error_message(self.env, error)

    @api.constrains("pattern", "symbology", "max_length", "random_alphabet")
    def _check_pattern(self):
        for scheme in self:
            scheme._compiled()

    @api.constrains("product_id", "categ_id")
    def _check_scope(self):
        if any(scheme.product_id and scheme.categ_id for scheme in self):
            raise ValidationError(
                self.env._(
                    "A scheme is either for a product or for a category, not both."
                )
            )

    # ---- counter (PostgreSQL sequence) -----------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        schemes = super().create(vals_list)
        schemes._ensure_sequence()
        return schemes

    def _ensure_sequence(self):
        without = self.filtered(lambda scheme: not scheme.sequence_id)
        if not without:
            return
        sequences = (
            self.env["ir.sequence"]
            .sudo()
            .create(
                [
                    {
                        "name": self.env._("Serial scheme %(name)s", name=scheme.name),
                        "implementation": "standard",
                        "number_increment": 1,
                        "number_next": 1,
                        "padding": 0,
                        "company_id": scheme.company_id.id,
                    }
                    for scheme in without
                ]
            )
        )
        for scheme, seq in zip(without, sequences, strict=True):
            scheme.sequence_id = seq

    @api.depends("sequence_id.number_next_actual")
    def _compute_counter_next(self):
        # The PostgreSQL sequence moves outside the ORM: always read it afresh.
        self.sudo().sequence_id.invalidate_recordset(["number_next_actual"])
        for scheme in self:
            scheme.counter_next = scheme.sudo().sequence_id.number_next_actual or 1

    def _inverse_counter_next(self):
        for scheme in self:
            scheme._ensure_sequence()
            scheme.sudo().sequence_id.number_next_actual = max(scheme.counter_next, 1)

    def _next_counters(self, count):
        """Draw ``count`` counter values in one query; safe across transactions/workers
        (PostgreSQL sequences are not rolled back and never hand out a value twice)."""
        self.ensure_one()
        if count <= 0:
            return []
        self._ensure_sequence()
        seq_name = f"ir_sequence_{self.sudo().sequence_id.id:03d}"
        rows = self.env.execute_query(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                seq_name,
                count,
            )
        )
        return [row[0] for row in rows]

    # ---- resolution ------------------------------------------------------------------
    @api.model
    def _for_products(self, products, company=None):
        """``{product: scheme}`` of the serial-tracked ``products`` that have one in
        ``company`` (product > nearest category > company default); one search."""
        company = company or self.env.company
        products = products.filtered(lambda p: p.tracking == "serial")
        if not products:
            return {}
        categories = self.env["product.category"].browse(
            {
                int(cid)
                for cid in "/".join(products.categ_id.mapped("parent_path")).split("/")
                if cid
            }
        )
        schemes = self.search(
            [
                ("company_id", "=", company.id),
                "|",
                "|",
                ("product_id", "in", products.ids),
                "&",
                ("product_id", "=", False),
                ("categ_id", "in", categories.ids),
                "&",
                ("product_id", "=", False),
                ("categ_id", "=", False),
            ]
        )
        by_product = {s.product_id: s for s in schemes if s.product_id}
        by_categ = {s.categ_id: s for s in schemes if not s.product_id and s.categ_id}
        default = schemes.filtered(lambda s: not s.product_id and not s.categ_id)[:1]
        result = {}
        for product in products:
            found = by_product.get(product)
            if not found:
                categ = product.categ_id
                while categ and not found:
                    found = by_categ.get(categ)
                    categ = categ.parent_id
            found = found or default
            if found:
                result[product] = found
        return result

    # ---- generation ------------------------------------------------------------------
    def _context_for(self, product, when=None, warehouse=None):
        self.ensure_one()
        compiled = self._compiled()
        secret = ""
        if compiled.auth_token:
            secret = self.company_id.sudo()._serial_auth_secret()
        if not warehouse:
            warehouse = self.env["stock.warehouse"].search(
                [("company_id", "=", self.company_id.id)], limit=1
            )
        return compiled, scheme_tools.SerialContext(
            date=self._serial_day(when),
            product=product.default_code or "",
            category=product.categ_id.serial_code or "",
            site=warehouse.code or "",
            secret=secret,
        )

    def _serial_day(self, when=None):
        """The day a serial's date tokens show: ``when`` if it is a date; a datetime
        (stored in UTC, e.g. a receipt's scheduled date) is read in the user's timezone,
        as the screen shows it; today (user's timezone) when empty."""
        if isinstance(when, datetime):
            return fields.Datetime.context_timestamp(self, when).date()
        if when:
            return fields.Date.to_date(when)
        return fields.Date.context_today(self)

    def _generate_names(self, product, count, when=None, warehouse=None):
        """``count`` new serials for ``product``: counters drawn in one query, names
        rendered in Python (random blocks checked against existing serials)."""
        self.ensure_one()
        self._check_renderable(product, when, warehouse)
        counters = self._next_counters(count) if self._compiled().has_counter else []
        return self._render_for(
            product, counters, count, when=when, warehouse=warehouse
        )

    def _check_renderable(self, product, when=None, warehouse=None):
        """Render one serial with a dummy counter before any counter is drawn: a
        PostgreSQL sequence does not roll back, so a serial that cannot be made
        (codes, check character, length) must fail before ``nextval``."""
        self.ensure_one()
        compiled, context = self._context_for(product, when, warehouse)
        try:
            compiled.render([0] if compiled.has_counter else [], context, count=1)
        except scheme_tools.SchemeError as error:
            raise UserError(self._error_message(error)) from error

    def _render_for(self, product, counters, count, when=None, warehouse=None):
        """Serials of ``product`` for already drawn ``counters`` (``count`` of them)."""
        self.ensure_one()
        compiled, context = self._context_for(product, when, warehouse)
        try:
            names = compiled.render(counters, context, count=count)
            if compiled.has_random:
                names = self._redraw_collisions(compiled, context, product, names)
        except scheme_tools.SchemeError as error:
            raise UserError(self._error_message(error)) from error
        return names

    def _next_preview(self, product, when=None, warehouse=None):
        """The serial the next generation for ``product`` gives, read from the counter
        without drawing from it (so it is only a proposal: another user may take it
        first, and random blocks are drawn again at generation)."""
        self.ensure_one()
        compiled, context = self._context_for(product, when, warehouse)
        # The counter moves outside the ORM: never a value cached earlier on.
        self.invalidate_recordset(["counter_next"])
        counters = [self.counter_next] if compiled.has_counter else []
        try:
            return compiled.render(counters, context, count=1)[0]
        except scheme_tools.SchemeError as error:
            raise UserError(self._error_message(error)) from error

    def _existing_names(self, product, names):
        """Those of ``names`` already used by ``product`` (or by any product of the
        company when serials must be unique company-wide)."""
        domain = [
            ("name", "in", names),
            ("company_id", "in", (self.company_id.id, False)),
        ]
        if not self.company_id.serial_unique_in_company:
            domain.append(("product_id", "=", product.id))
        lots = self.env["stock.lot"].sudo().with_context(active_test=False)
        return {name for (name,) in lots._read_group(domain, ["name"])}

    def _redraw_collisions(self, compiled, context, product, names):
        for _attempt in range(RANDOM_RETRIES):
            seen, clashes = set(), []
            taken = self._existing_names(product, names)
            for index, name in enumerate(names):
                if name in seen or name in taken:
                    clashes.append(index)
                seen.add(name)
            if not clashes:
                return names
            if compiled.has_counter:
                counters = self._next_counters(len(clashes))
                fresh = compiled.render(counters, context, count=len(clashes))
            else:
                # Random only: draw several candidates per clash (they cost nothing),
                # so a nearly full random space still fills in a few rounds.
                kept = {n for i, n in enumerate(names) if i not in set(clashes)}
                drawn = compiled.render([], context, count=len(clashes) * 4)
                fresh = [n for n in dict.fromkeys(drawn) if n not in kept | taken]
                fresh += drawn[: len(clashes) - len(fresh)]
            for index, name in zip(clashes, fresh, strict=False):
                names[index] = name
        raise UserError(
            self.env._(
                "Scheme %(scheme)s keeps drawing serials that already exist: "
                "make its random block longer.",
                scheme=self.name,
            )
        )

    @api.depends(
        "pattern",
        "symbology",
        "max_length",
        "random_alphabet",
        "product_id",
        "categ_id",
        "counter_next",
    )
    def _compute_preview(self):
        for scheme in self:
            scheme.preview = scheme._preview_text()

    def _preview_text(self, product=None, when=None, warehouse=None):
        """The next serials as Generate will give them, without drawing from the
        counter: for ``product`` (else the scheme's product), dated ``when`` (else
        today), at ``warehouse`` (else the company's first). Where it cannot be exact
        (random blocks, a code of a product not known yet, an authenticity code
        before the company has its secret) the preview says it is an example."""
        try:
            compiled = scheme_tools.Scheme(
                self.pattern or "",
                symbology=self.symbology or "code128",
                max_length=self.max_length,
                alphabet=self.random_alphabet,
            )
        except scheme_tools.SchemeError as error:
            return self._error_message(error)
        product = product or self.product_id
        categ = product.categ_id if product else self.categ_id
        company = self.company_id or self.env.company
        if not warehouse:
            warehouse = self.env["stock.warehouse"].search(
                [("company_id", "=", company.id)], limit=1
            )
        kinds = {token.kind for token in compiled.tokens}
        codes = {
            "product": product.default_code,
            "category": categ.serial_code,
            "site": warehouse.code,
        }
        secret = company.sudo().serial_auth_secret if compiled.auth_token else ""
        example = (
            compiled.has_random
            or any(kind in kinds and not code for kind, code in codes.items())
            or (compiled.auth_token and not secret)
        )
        context = scheme_tools.SerialContext(
            date=self._serial_day(when),
            product=codes["product"] or "PROD",
            category=codes["category"] or "CAT",
            site=codes["site"] or "WH",
            secret=secret or "preview",
        )
        start = self.counter_next or 1
        try:
            serials = compiled.render(
                range(start, start + PREVIEW_COUNT), context, count=PREVIEW_COUNT
            )
        except scheme_tools.SchemeError as error:
            return self._error_message(error)
        if example:
            serials.insert(
                0,
                self.env._(
                    "Example only (random characters, codes or the authenticity code "
                    "are set at generation):"
                ),
            )
        return "\n".join(serials)
