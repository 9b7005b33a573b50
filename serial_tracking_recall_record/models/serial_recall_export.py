import csv
import io
import time

import openpyxl

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking_recall.tools.recall_sql import (
    HELD_POSITIONS,
    split_sql,
)

# Columns of the one-step-back / one-step-forward lists (FSMA 204 key data elements:
# what, which lot, how much, when, where from, where to, which document).
TRACE_COLUMNS = [
    ("direction", "Direction"),
    ("document", "Document"),
    ("date", "Date"),
    ("partner", "Vendor or Customer"),
    ("address", "Address"),
    ("product_code", "Internal Reference"),
    ("product", "Product"),
    ("lot", "Lot/Serial"),
    ("quantity", "Quantity"),
    ("uom", "Unit"),
    ("source", "From"),
    ("destination", "To"),
    ("origin", "Source Document"),
]


class SerialRecallRecordExport(models.AbstractModel):
    """What a recall hands over: the one-step-back / one-step-forward lists (XLSX,
    CSV), the consumer notice's data, the PDF reports and the mock-recall drill.
    Mixed into ``serial.recall`` (its methods run on recalls)."""

    _name = "serial.recall.record.export"
    _description = "Recall Exports, Notice and Drills"

    # ---- one step back, one step forward -------------------------------------------
    def _serial_trace_sql(self):
        """Rows of ``TRACE_COLUMNS`` for every done receipt from a vendor and every
        done delivery to a customer of the recall's units, one query."""
        self.ensure_one()
        lang = self.env.lang or "en_US"
        return SQL(
            """
            WITH lots AS MATERIALIZED (%(lots)s)
            SELECT CASE WHEN src.usage = 'supplier' THEN 'back' ELSE 'forward' END,
                   COALESCE(p.name, m.reference),
                   ml.date,
                   partner.complete_name,
                   CONCAT_WS(', ', partner.street, partner.zip, partner.city,
                             country.code),
                   pp.default_code,
                   COALESCE(pt.name->>%(lang)s, pt.name->>'en_US'),
                   l.name,
                   ml.quantity,
                   COALESCE(uom.name->>%(lang)s, uom.name->>'en_US'),
                   src.complete_name,
                   dst.complete_name,
                   p.origin
              FROM lots
              JOIN stock_move_line ml ON ml.lot_id = lots.id
              JOIN stock_lot l ON l.id = ml.lot_id
              JOIN stock_move m ON m.id = ml.move_id
         LEFT JOIN stock_picking p ON p.id = ml.picking_id
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dst ON dst.id = ml.location_dest_id
              JOIN product_product pp ON pp.id = ml.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN uom_uom uom ON uom.id = ml.product_uom_id
         LEFT JOIN res_partner partner
                ON partner.id = COALESCE(p.partner_id, m.partner_id)
         LEFT JOIN res_country country ON country.id = partner.country_id
             WHERE ml.state = 'done'
               AND ((src.usage = 'supplier' AND dst.usage IN ('internal', 'transit'))
                 OR (dst.usage = 'customer' AND src.usage IN ('internal', 'transit')))
          ORDER BY 1, ml.date, ml.id
            """,
            lots=self._serial_recall_lots_sql(),
            lang=lang,
        )

    def _serial_trace_rows(self):
        """``(back, forward)``: lists of row tuples in ``TRACE_COLUMNS`` order; a
        clear error when the recall has no unit."""
        self.ensure_one()
        self._serial_record_check_units()  # flushes the pending writes too
        rows = self.env.execute_query(self._serial_trace_sql())
        back = [row for row in rows if row[0] == "back"]
        forward = [row for row in rows if row[0] == "forward"]
        return back, forward

    def _serial_record_check_units(self):
        count = self._serial_recall_unit_count()
        if not count:
            raise UserError(
                self.env._(
                    "Recall %(recall)s has no unit: there is nothing to export.",
                    recall=self.name,
                )
            )
        return count

    def _serial_trace_headers(self):
        labels = {
            "direction": self.env._("Direction"),
            "document": self.env._("Document"),
            "date": self.env._("Date"),
            "partner": self.env._("Vendor or Customer"),
            "address": self.env._("Address"),
            "product_code": self.env._("Internal Reference"),
            "product": self.env._("Product"),
            "lot": self.env._("Lot/Serial"),
            "quantity": self.env._("Quantity"),
            "uom": self.env._("Unit"),
            "source": self.env._("From"),
            "destination": self.env._("To"),
            "origin": self.env._("Source Document"),
        }
        return [labels[key] for key, _label in TRACE_COLUMNS]

    def _serial_trace_xlsx(self, back=None, forward=None):
        """The spreadsheet: one sheet per direction, filters on the header row."""
        if back is None:
            back, forward = self._serial_trace_rows()
        book = openpyxl.Workbook()
        headers = self._serial_trace_headers()
        for index, (title, rows) in enumerate(
            (
                (self.env._("One step back"), back),
                (self.env._("One step forward"), forward),
            )
        ):
            sheet = book.active if index == 0 else book.create_sheet()
            sheet.title = title[:31]
            sheet.append(headers)
            for row in rows:
                sheet.append([_cell(value) for value in row])
            sheet.auto_filter.ref = sheet.dimensions
            sheet.freeze_panes = "A2"
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()

    def _serial_trace_csv(self):
        back, forward = self._serial_trace_rows()
        stream = io.StringIO()
        writer = csv.writer(stream)
        writer.writerow(self._serial_trace_headers())
        for row in back + forward:
            writer.writerow([_cell(value) for value in row])
        return stream.getvalue().encode("utf-8-sig")

    def _serial_record_download(self, data, extension, mimetype):
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name.replace('/', '-')}-trace.{extension}",
                "raw": data,
                "mimetype": mimetype,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_export_xlsx(self):
        return self._serial_record_download(
            self._serial_trace_xlsx(),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def action_export_csv(self):
        return self._serial_record_download(self._serial_trace_csv(), "csv", "text/csv")

    def action_print_report(self):
        self._serial_record_check_units()
        return self.env.ref(
            "serial_tracking_recall_record.action_report_serial_recall"
        ).report_action(self)

    def action_print_notice(self):
        self._serial_record_check_units()
        return self.env.ref(
            "serial_tracking_recall_record.action_report_recall_notice"
        ).report_action(self)

    # ---- consumer notice --------------------------------------------------------
    def _serial_notice_values(self):
        """What the consumer notice prints about the units and where they were sold
        (one grouped query each)."""
        self.ensure_one()
        self._serial_recall_flush()
        lots_sql = self._serial_recall_lots_sql()
        products = self.env.execute_query(
            SQL(
                """
            SELECT l.product_id, COUNT(*), ARRAY_AGG(DISTINCT b.name)
                   FILTER (WHERE b.name IS NOT NULL),
                   (ARRAY_AGG(l.name ORDER BY l.name))[1:50]
              FROM stock_lot l
         LEFT JOIN serial_batch b ON b.id = l.batch_id
             WHERE l.id IN (%s)
          GROUP BY l.product_id
                """,
                lots_sql,
            )
        )
        sold = self.env.execute_query(
            SQL(
                """
            SELECT MIN(s.date), MAX(s.date), ARRAY_AGG(DISTINCT c.id)
                   FILTER (WHERE c.id IS NOT NULL)
              FROM (%s) s
         LEFT JOIN res_partner partner ON partner.id = s.partner_id
         LEFT JOIN res_country c ON c.id = partner.country_id
             WHERE s.position = 'delivered'
                """,
                split_sql(lots_sql, self.company_id.id),
            )
        )[0]
        Product = self.env["product.product"]
        return {
            "products": [
                {
                    "product": Product.browse(product_id),
                    "count": count,
                    "batches": sorted(batches or []),
                    "serials": serials,
                    "more": count - len(serials),
                }
                for product_id, count, batches, serials in products
            ],
            "sold_from": sold[0],
            "sold_to": sold[1],
            "countries": self.env["res.country"].browse(sold[2] or []),
        }

    # ---- mock-recall drill -------------------------------------------------------
    def action_drill(self):
        """Run the recall as a drill: every list a real recall produces (units by
        position, customers, one step back and forward) is computed, nothing is
        sent, moved or changed; how long it took is kept on a drill record."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._(
                    "A drill runs on a draft recall: %(recall)s is already started.",
                    recall=self.name,
                )
            )
        start = time.perf_counter()
        self._serial_recall_flush()
        units = self._serial_record_check_units()
        split = self.env.execute_query(
            SQL(
                """
            SELECT COUNT(DISTINCT s.lot_id) FILTER (WHERE s.position IN %(held)s),
                   COUNT(DISTINCT s.lot_id) FILTER (WHERE s.position = 'delivered'),
                   COUNT(DISTINCT s.partner_id)
                       FILTER (WHERE s.position = 'delivered')
              FROM (%(split)s) s
                """,
                held=HELD_POSITIONS,
                split=split_sql(self._serial_recall_lots_sql(), self.company_id.id),
            )
        )[0]
        back, forward = self._serial_trace_rows()
        xlsx = self._serial_trace_xlsx(back, forward)
        duration = time.perf_counter() - start
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name.replace('/', '-')}-drill.xlsx",
                "raw": xlsx,
                "res_model": "serial.recall",
                "res_id": self.id,
            }
        )
        drill = self.env["serial.recall.drill"].create(
            {
                "recall_id": self.id,
                "duration": duration,
                "unit_count": units,
                "held_count": split[0],
                "delivered_count": split[1],
                "customer_count": split[2],
                "back_count": len(back),
                "forward_count": len(forward),
                "attachment_id": attachment.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "serial.recall.drill",
            "res_id": drill.id,
            "view_mode": "form",
            "target": "new",
        }


def _cell(value):
    """A value as a spreadsheet cell: naive datetimes stay dates, None is empty."""
    if value is None:
        return ""
    return value
