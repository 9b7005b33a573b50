import math

from odoo import api, fields, models

RECALL_CLASSES = [
    ("1", "Class I"),
    ("2", "Class II"),
    ("3", "Class III"),
]
DEPTHS = [
    ("wholesale", "Wholesale"),
    ("retail", "Retail"),
    ("consumer", "Consumer or user"),
]
# 21 CFR 7.42(b)(3): share of the consignees to check at each level.
EFFECTIVENESS_LEVELS = [
    ("A", "Level A: every consignee"),
    ("B", "Level B: a share between C and A"),
    ("C", "Level C: 10% of the consignees"),
    ("D", "Level D: 2% of the consignees"),
    ("E", "Level E: no checks"),
]
LEVEL_SHARES = {"A": 100.0, "C": 10.0, "D": 2.0, "E": 0.0}
REMEDIES = [
    ("refund", "Refund"),
    ("replace", "Replacement"),
    ("repair", "Repair"),
    ("correct", "Correction on site"),
    ("dispose", "Disposal"),
]
# Line statuses that say what became of a unit.
DONE_STATUSES = ("returned", "destroyed", "corrected", "closed")


def _installed_languages(records):
    return records.env["res.lang"].get_installed()


class SerialRecall(models.Model):
    _name = "serial.recall"
    _inherit = ("serial.recall", "serial.recall.record.export")

    # ---- origin
    complaint_sibling_id = fields.Many2one(
        "serial.complaint.sibling", "Started From", readonly=True, copy=False
    )
    root_cause_id = fields.Many2one(
        "serial.root.cause", readonly=True, copy=False, check_company=True
    )
    # ---- classification and strategy (21 CFR 7.3(m), 7.42, 7.46)
    recall_class = fields.Selection(RECALL_CLASSES, tracking=True)
    depth = fields.Selection(DEPTHS, "Recall Depth", tracking=True)
    hazard = fields.Text(
        "Risk in Plain Words",
        translate=True,
        help="The hazard to health or safety, as the consumer notice says it.",
    )
    strategy = fields.Text(
        help="How the recall is run: public warning, who contacts the consignees, "
        "how the units come back."
    )
    remedy = fields.Selection(REMEDIES, tracking=True)
    remedy_details = fields.Text(
        translate=True, help="What the consumer gets and how: printed in the notice."
    )
    product_description = fields.Text(
        translate=True, help="How the consumer recognises the product."
    )
    contact_details = fields.Text(
        "Contact", translate=True, help="Who to contact: phone, email, address."
    )
    notice_lang = fields.Selection(
        _installed_languages,
        "Notice Language",
        help="Language of the consumer notice (default: the company's).",
    )
    effectiveness_level = fields.Selection(
        EFFECTIVENESS_LEVELS, default="C", tracking=True
    )
    effectiveness_share = fields.Float(
        "Consignees to Check (%)",
        compute="_compute_effectiveness_share",
        store=True,
        readonly=False,
    )
    check_ids = fields.One2many("serial.recall.check", "recall_id", "Checks")
    checks_required = fields.Integer(compute="_compute_status_report")
    checks_done = fields.Integer(compute="_compute_status_report")
    checks_failed = fields.Integer(
        "Checks Not Effective",
        compute="_compute_status_report",
        help="Consignees checked that did not receive the notice or did not act.",
    )
    estimated_completion_date = fields.Date("Estimated Completion", tracking=True)
    drill_ids = fields.One2many("serial.recall.drill", "recall_id", "Drills")
    # ---- status report (21 CFR 7.53)
    consignee_count = fields.Integer("Consignees", compute="_compute_status_report")
    notified_count = fields.Integer(
        "Consignees Notified", compute="_compute_status_report"
    )
    first_notified_date = fields.Datetime(compute="_compute_status_report")
    last_notified_date = fields.Datetime(compute="_compute_status_report")
    responding_count = fields.Integer(
        "Consignees Responding", compute="_compute_status_report"
    )
    not_responding_count = fields.Integer(
        "Consignees Not Responding", compute="_compute_status_report"
    )
    qty_on_hand = fields.Float(
        "Quantity On Hand",
        compute="_compute_status_report",
        help="Affected quantity still held by us and not dealt with yet.",
    )
    qty_returned = fields.Float("Quantity Returned", compute="_compute_status_report")
    qty_corrected = fields.Float("Quantity Corrected", compute="_compute_status_report")
    qty_destroyed = fields.Float("Quantity Destroyed", compute="_compute_status_report")

    @api.depends("effectiveness_level")
    def _compute_effectiveness_share(self):
        for recall in self:
            if recall.effectiveness_level in LEVEL_SHARES:
                recall.effectiveness_share = LEVEL_SHARES[recall.effectiveness_level]
            elif not recall.effectiveness_share:
                recall.effectiveness_share = 50.0

    @api.depends(
        "customer_ids.state",
        "customer_ids.notified_date",
        "line_ids.status",
        "check_ids.result",
        "effectiveness_share",
    )
    def _compute_status_report(self):
        """Figures of the status report, three grouped queries for all recalls."""
        notices = {
            (recall.id, state): (count, first, last)
            for recall, state, count, first, last in self.env[
                "serial.recall.customer"
            ]._read_group(
                [("recall_id", "in", self.ids)],
                ["recall_id", "state"],
                ["__count", "notified_date:min", "notified_date:max"],
            )
        }
        quantities = {
            (recall.id, position, status): qty
            for recall, position, status, qty in self.env[
                "serial.recall.line"
            ]._read_group(
                [("recall_id", "in", self.ids)],
                ["recall_id", "position", "status"],
                ["quantity:sum"],
            )
        }
        checks = {
            (recall.id, result): count
            for recall, result, count in self.env["serial.recall.check"]._read_group(
                [("recall_id", "in", self.ids)], ["recall_id", "result"], ["__count"]
            )
        }
        for recall in self:
            by_state = {
                state: notices.get((recall.id, state), (0, False, False))
                for state in ("to_notify", "notified", "acknowledged")
            }
            recall.consignee_count = sum(v[0] for v in by_state.values())
            notified = [by_state["notified"], by_state["acknowledged"]]
            recall.notified_count = sum(v[0] for v in notified)
            recall.responding_count = by_state["acknowledged"][0]
            recall.not_responding_count = by_state["notified"][0]
            firsts = [v[1] for v in notified if v[1]]
            lasts = [v[2] for v in notified if v[2]]
            recall.first_notified_date = min(firsts) if firsts else False
            recall.last_notified_date = max(lasts) if lasts else False
            mine = {k[1:]: v for k, v in quantities.items() if k[0] == recall.id}
            recall.qty_on_hand = sum(
                qty
                for (position, status), qty in mine.items()
                if position in ("held", "transit", "open_delivery")
                and status not in DONE_STATUSES
            )
            for status, fname in (
                ("returned", "qty_returned"),
                ("corrected", "qty_corrected"),
                ("destroyed", "qty_destroyed"),
            ):
                recall[fname] = sum(
                    qty for (_pos, st), qty in mine.items() if st == status
                )
            done = sum(
                checks.get((recall.id, result), 0)
                for result in ("acted", "not_acted", "not_received")
            )
            recall.checks_done = done
            recall.checks_failed = done - checks.get((recall.id, "acted"), 0)
            recall.checks_required = math.ceil(
                recall.consignee_count * (recall.effectiveness_share or 0.0) / 100.0
            )
