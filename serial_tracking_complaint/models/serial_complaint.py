from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain


class SerialComplaint(models.Model):
    """A customer's complaint about one serial unit, and its investigation: the
    unit's story backwards (receipts and vendors, batch, components at every level,
    documents) and its sibling groups (``serial.complaint.sibling``)."""

    _name = "serial.complaint"
    _description = "Serial Unit Complaint"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    date = fields.Datetime(
        "Received On", required=True, default=fields.Datetime.now, tracking=True
    )
    stage_id = fields.Many2one(
        "serial.complaint.stage",
        tracking=True,
        index=True,
        copy=False,
        default=lambda self: self._default_stage(),
        group_expand="_read_group_stage_ids",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")], default="0"
    )
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, tracking=True, index=True
    )
    scanned_code = fields.Char(
        "Scan or Type a Serial",
        copy=False,
        help="A serial, a manufacturer serial or a GS1 barcode: it finds the unit.",
    )
    lot_id = fields.Many2one(
        "stock.lot",
        "Unit",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('product_id.tracking', '=', 'serial')]",
    )
    product_id = fields.Many2one(related="lot_id.product_id", store=True, index=True)
    lot_unit_state = fields.Selection(related="lot_id.unit_state", string="Unit Status")
    lot_customer_id = fields.Many2one(related="lot_id.customer_id", string="Held by")
    holder_mismatch = fields.Boolean(
        compute="_compute_holder_mismatch",
        help="The unit is not held by this customer (nor by a contact of its company).",
    )
    category_id = fields.Many2one(
        "serial.complaint.category",
        "What Is Wrong",
        tracking=True,
        check_company=True,
    )
    description = fields.Html()
    photo_ids = fields.Many2many(
        "ir.attachment",
        "serial_complaint_photo_rel",
        "complaint_id",
        "attachment_id",
        "Photos",
    )
    root_cause_id = fields.Many2one(
        "serial.root.cause",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        copy=False,
    )
    # The unit's story backwards, read live (never stored: stock keeps moving).
    batch_id = fields.Many2one(related="lot_id.batch_id", string="Batch")
    receipt_ids = fields.Many2many(
        "stock.picking",
        string="Supplier Receipts",
        compute="_compute_story",
        help="Receipts from vendors of the unit and of its components.",
    )
    vendor_ids = fields.Many2many(
        "res.partner", string="Vendors", compute="_compute_story"
    )
    component_lot_ids = fields.Many2many(
        "stock.lot",
        string="Component Lots and Serials",
        compute="_compute_story",
        help="Every lot and serial built into the unit, at every level.",
    )
    document_ids = fields.Many2many(
        "ir.attachment",
        string="Documents",
        compute="_compute_story",
        help="Files attached to the unit, its batch, its receipts and its production "
        "orders.",
    )
    sibling_ids = fields.One2many(
        "serial.complaint.sibling", "complaint_id", "Siblings", copy=False
    )

    @api.model
    def _default_stage(self):
        return self.env["serial.complaint.stage"].search(
            [("company_id", "in", [False, self.env.company.id])], limit=1
        )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search(
            [("company_id", "in", [False, *self.env.companies.ids])],
            order=stages._order,
        )

    @api.depends("partner_id", "lot_id.customer_id")
    def _compute_holder_mismatch(self):
        for complaint in self:
            holder = complaint.lot_id.customer_id.commercial_partner_id
            complaint.holder_mismatch = bool(
                complaint.partner_id
                and complaint.lot_id
                and holder != complaint.partner_id.commercial_partner_id
            )

    @api.depends("lot_id", "lot_id.batch_id")
    def _compute_story(self):
        lots = self.lot_id
        upstream = lots._complaint_upstream()
        traced = self.env["stock.lot"].browse(set().union(*upstream.values()))
        receipts = traced._complaint_receipts()
        pickings = self.env["stock.picking"].browse(
            set().union(set(), *receipts.values())
        )
        documents_by_complaint = {}
        for complaint in self:
            lot_ids = upstream.get(complaint.lot_id.id, set())
            picking_ids = set().union(set(), *(receipts.get(i, ()) for i in lot_ids))
            complaint.component_lot_ids = self.env["stock.lot"].browse(
                sorted(lot_ids - {complaint.lot_id.id})
            )
            complaint_pickings = pickings.browse(sorted(picking_ids))
            complaint.receipt_ids = complaint_pickings
            complaint.vendor_ids = complaint_pickings.partner_id.commercial_partner_id
            documents_by_complaint[complaint] = complaint._complaint_document_keys()
        keys = set().union(set(), *documents_by_complaint.values())
        attachments = self.env["ir.attachment"].browse()
        if keys:
            domain = Domain.OR(
                Domain("res_model", "=", model) & Domain("res_id", "in", ids)
                for model, ids in _ids_by_model(keys).items()
            )
            attachments = self.env["ir.attachment"].search(domain)
        for complaint, complaint_keys in documents_by_complaint.items():
            complaint.document_ids = attachments.filtered(
                lambda a, k=complaint_keys: (a.res_model, a.res_id) in k
            )

    def _complaint_document_keys(self):
        """(model, id) of the records whose attachments are the unit's documents;
        the manufacturing bridge adds production orders."""
        self.ensure_one()
        keys = {("stock.lot", lot.id) for lot in self.lot_id | self.component_lot_ids}
        keys |= {("stock.picking", picking.id) for picking in self.receipt_ids}
        if self.batch_id:
            keys.add(("serial.batch", self.batch_id.id))
        return keys

    @api.onchange("scanned_code")
    def _onchange_scanned_code(self):
        if self.scanned_code:
            self.lot_id = self._resolve_serial(self.scanned_code, self.company_id)

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.lot_id.customer_id and not self.partner_id:
            self.partner_id = self.lot_id.customer_id

    @api.model
    def _resolve_serial(self, code, company):
        """The serial unit of ``company`` a typed or scanned ``code`` names (serial,
        manufacturer serial or GS1 barcode, through the core's ``serial_code``
        search); a clear error when there is none, several, or only in another
        company."""
        code = (code or "").strip()
        company = company or self.env.company
        if not code:
            raise UserError(self.env._("Scan or type a serial to find the unit."))
        Lot = self.env["stock.lot"]
        domain = Lot._serial_code_domain(code, "=ilike") & Domain(
            "product_id.tracking", "=", "serial"
        )
        found = Lot.sudo().search(domain, limit=20)
        mine = found.filtered(lambda lot: lot.company_id in (company, Lot.company_id))
        if not mine:
            if found:
                visible = found.company_id & self.env.user.company_ids
                raise UserError(
                    self.env._(
                        "The serial %(code)s belongs to another company "
                        "(%(other)s), not to %(company)s: a complaint can only be "
                        "about a unit of its own company.",
                        code=code,
                        other=", ".join(visible.mapped("name"))
                        or self.env._("not one of yours"),
                        company=company.name,
                    )
                )
            raise UserError(self.env._("No serial unit matches %(code)s.", code=code))
        if len(mine) > 1:
            raise UserError(
                self.env._(
                    "%(code)s matches several units (%(units)s): choose the unit "
                    "in the Unit field.",
                    code=code,
                    units=", ".join(
                        f"{lot.name} ({lot.product_id.display_name})" for lot in mine
                    ),
                )
            )
        return Lot.browse(mine.id)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("lot_id") and vals.get("scanned_code"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["lot_id"] = self._resolve_serial(vals["scanned_code"], company).id
            if vals.get("lot_id") and not vals.get("partner_id"):
                holder = self.env["stock.lot"].browse(vals["lot_id"]).customer_id
                if holder:
                    vals["partner_id"] = holder.id
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "serial.complaint"
                ) or self.env._("New")
        complaints = super().create(vals_list)
        complaints._attach_photos()
        complaints._log_unit_events()
        complaints._sync_siblings()
        complaints.filtered("is_closed").date_closed = fields.Datetime.now()
        return complaints

    def write(self, vals):
        if vals.get("scanned_code") and "lot_id" not in vals:
            companies = self.company_id
            if len(companies) > 1:
                raise UserError(
                    self.env._("Change the serial of one company's complaints at once.")
                )
            vals["lot_id"] = self._resolve_serial(vals["scanned_code"], companies).id
        lot_changed = "lot_id" in vals and self.filtered(
            lambda c: c.lot_id.id != vals["lot_id"]
        )
        res = super().write(vals)
        if "photo_ids" in vals:
            self._attach_photos()
        if lot_changed:
            lot_changed._log_unit_events()
            lot_changed._sync_siblings()
        if "stage_id" in vals:
            closed = self.filtered("is_closed")
            (self - closed).date_closed = False
            closed.filtered(
                lambda c: not c.date_closed
            ).date_closed = fields.Datetime.now()
        return res

    def _attach_photos(self):
        """Photos uploaded on the form belong to the complaint (and so show in its
        chatter and follow its access rights)."""
        for complaint in self:
            loose = complaint.photo_ids.filtered(
                lambda a, c=complaint: a.res_model != c._name or a.res_id != c.id
            )
            if loose:
                loose.sudo().write({"res_model": self._name, "res_id": complaint.id})

    def _log_unit_events(self):
        """A "complaint" event on each complaint's unit timeline, through the core's
        ``stock.lot._log_events`` (one create per round of distinct units)."""
        pending = list(self)
        while pending:
            batch, pending = _distinct_by_lot(pending)
            lots = self.env["stock.lot"].concat(*(c.lot_id for c in batch))
            lots._log_events(
                "complaint",
                values_by_lot={
                    c.lot_id.id: {
                        "partner_id": c.partner_id.id,
                        "reference": c.name,
                        "description": self.env._(
                            "Complaint %(name)s: %(category)s",
                            name=c.name,
                            category=c.category_id.name or self.env._("no category"),
                        ),
                    }
                    for c in batch
                },
            )

    def _sync_siblings(self):
        """(Re)build the sibling groups of the complaints from the unit's story."""
        self.sibling_ids.unlink()
        vals_list = []
        for complaint in self:
            for sequence, vals in enumerate(complaint._sibling_group_vals()):
                vals_list.append(
                    {**vals, "complaint_id": complaint.id, "sequence": sequence}
                )
        self.env["serial.complaint.sibling"].create(vals_list)

    def _sibling_group_vals(self):
        """Values of this complaint's sibling groups: the unit's batch, the supplier
        receipts of the unit and its components; the manufacturing bridge adds
        production orders and component lots."""
        self.ensure_one()
        groups = []
        if self.batch_id:
            groups.append(
                {
                    "kind": "batch",
                    "key_id": self.batch_id.id,
                    "batch_id": self.batch_id.id,
                }
            )
        groups += [
            {"kind": "receipt", "key_id": picking.id, "picking_id": picking.id}
            for picking in self.receipt_ids
        ]
        return groups

    def action_refresh_siblings(self):
        self._sync_siblings()

    def action_link_root_cause(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Link to a Root Cause"),
            "res_model": "serial.complaint.link",
            "view_mode": "form",
            "target": "new",
            "context": {"default_complaint_ids": self.ids},
        }


def _ids_by_model(keys):
    by_model = {}
    for model, res_id in keys:
        by_model.setdefault(model, []).append(res_id)
    return by_model


def _distinct_by_lot(complaints):
    """Split ``complaints`` into one per unit and the rest."""
    batch, rest, seen = [], [], set()
    for complaint in complaints:
        if complaint.lot_id in seen:
            rest.append(complaint)
        else:
            seen.add(complaint.lot_id)
            batch.append(complaint)
    return batch, rest
