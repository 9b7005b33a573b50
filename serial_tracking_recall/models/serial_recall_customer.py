from odoo import api, fields, models
from odoo.exceptions import UserError

NOTICE_STATES = [
    ("to_notify", "To notify"),
    ("notified", "Notified"),
    ("acknowledged", "Acknowledged"),
]


class SerialRecallCustomer(models.Model):
    """The notice of a recall to one customer: the units delivered to them, the
    email sent (through Odoo's mail queue) and their acknowledgement."""

    _name = "serial.recall.customer"
    _description = "Recall Customer Notice"
    _order = "recall_id desc, partner_id"
    _check_company_auto = True
    _rec_name = "partner_id"

    recall_id = fields.Many2one(
        "serial.recall", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True)
    email = fields.Char(related="partner_id.email")
    state = fields.Selection(NOTICE_STATES, default="to_notify", required=True)
    line_ids = fields.One2many(
        "serial.recall.line", compute="_compute_line_ids", string="Units"
    )
    unit_count = fields.Integer(compute="_compute_line_ids")
    notified_date = fields.Datetime(readonly=True)
    acknowledged_date = fields.Datetime()
    acknowledgement_note = fields.Text()

    _recall_partner_uniq = models.UniqueIndex(
        "(recall_id, partner_id)", "A customer has one notice per recall."
    )

    @api.depends("recall_id", "partner_id")
    def _compute_line_ids(self):
        Line = self.env["serial.recall.line"]
        groups = {
            (recall.id, customer.id): lines
            for recall, customer, lines in Line._read_group(
                [
                    ("recall_id", "in", self.recall_id.ids),
                    ("customer_id", "in", self.partner_id.ids),
                    ("position", "=", "delivered"),
                ],
                ["recall_id", "customer_id"],
                ["id:recordset"],
            )
        }
        for notice in self:
            lines = groups.get((notice.recall_id.id, notice.partner_id.id), Line)
            notice.line_ids = lines.sorted("id")
            notice.unit_count = len(lines)

    def action_send(self):
        """One email per customer from the editable template, queued (not sent
        while the user waits), logged on the recall and on the customer."""
        recalls = self.recall_id
        if recalls.filtered(lambda recall: recall.state != "open"):
            raise UserError(self.env._("Customers are notified of open recalls only."))
        no_email = self.filtered(lambda notice: not notice.partner_id.email)
        if no_email:
            raise UserError(
                self.env._(
                    "These customers have no email address: %(names)s",
                    names=", ".join(no_email.partner_id.mapped("display_name")),
                )
            )
        template = self.env.ref("serial_tracking_recall.mail_template_recall_notice")
        now = fields.Datetime.now()
        for notice in self:
            template.send_mail(notice.id, force_send=False)
            body = self.env._(
                "Recall %(recall)s (%(title)s): notice sent for %(count)s units.",
                recall=notice.recall_id.name,
                title=notice.recall_id.title,
                count=notice.unit_count,
            )
            notice.partner_id.message_post(body=body)
            notice.recall_id.message_post(
                body=self.env._(
                    "Notice sent to %(customer)s for %(count)s units.",
                    customer=notice.partner_id.display_name,
                    count=notice.unit_count,
                )
            )
            notice.line_ids.filtered(
                lambda line: line.status == "to_notify"
            ).with_context(serial_recall_internal=True).write(
                {"status": "notified", "notified_date": now}
            )
        self.filtered(lambda notice: notice.state == "to_notify").write(
            {"state": "notified", "notified_date": now}
        )
        return True

    def action_acknowledge(self):
        now = fields.Datetime.now()
        for notice in self:
            if notice.state == "to_notify":
                raise UserError(
                    self.env._(
                        "%(customer)s has not been notified yet.",
                        customer=notice.partner_id.display_name,
                    )
                )
        self.write({"state": "acknowledged", "acknowledged_date": now})
        for notice in self:
            notice.recall_id.message_post(
                body=self.env._(
                    "%(customer)s acknowledged the recall notice.",
                    customer=notice.partner_id.display_name,
                )
            )
        return True
