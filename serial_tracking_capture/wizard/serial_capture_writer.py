from collections import defaultdict
from datetime import datetime, time

from odoo import models


class SerialCaptureWriter(models.AbstractModel):
    """What the capture wizard (``serial.capture``) writes once its lines are
    checked: batches, units, the move's lines."""

    _name = "serial.capture.writer"
    _description = "Capture Serials: Writing"

    def _batches(self, lines):
        """``{batch name: serial.batch id}`` for the batches of ``lines``: found or
        created in one ``create``."""
        names = {line.batch for line in lines if line.batch}
        if not names:
            return {}
        Batch = self.env["serial.batch"]
        company = self.picking_id.company_id
        batches = {}
        # A batch of the company, else a batch shared by every company.
        for batch in Batch.search(
            [
                ("name", "in", list(names)),
                ("product_id", "=", self.product_id.id),
                ("company_id", "in", [company.id, False]),
            ]
        ):
            if batch.company_id or batch.name not in batches:
                batches[batch.name] = batch.id
        first = {}
        for line in lines:
            if line.batch and line.batch not in batches:
                first.setdefault(line.batch, line)
        if first:
            supplier = self.picking_id.partner_id.commercial_partner_id
            created = Batch.create(
                [
                    {
                        "name": name,
                        "product_id": self.product_id.id,
                        "company_id": company.id,
                        "manufacture_date": line.production_date,
                        "expiration_date": line.expiry_date
                        and datetime.combine(line.expiry_date, time.min),
                        "supplier_id": supplier.id,
                    }
                    for name, line in first.items()
                ]
            )
            batches.update(zip(first, created.ids, strict=True))
        return batches

    def _apply(self, lines):
        """Create the new units (one bulk insert), reuse the existing ones, and put
        them all on the move (one UPDATE of its free lines + one create). Reused units
        not received yet take the values of their label
        (see :meth:`_reused_label_writes`)."""
        batches = self._batches(lines)
        new = [line for line in lines if not line.lot_id]
        reused = [line for line in lines if line.lot_id]
        if self.use_as == "manufacturer" and new:
            self._check_setup()
            scheme = self._capture_scheme()
            names = self.move_id._serial_scheme_names(scheme, {self.move_id: len(new)})[
                self.move_id
            ]
        else:
            names = [line.serial for line in new]
        vals_list = []
        for line, name in zip(new, names, strict=True):
            vals = {
                "name": name,
                "product_id": self.product_id.id,
                "company_id": self.picking_id.company_id.id,
            }
            if self.use_as == "manufacturer":
                vals["manufacturer_serial"] = line.serial
            vals.update(self._label_values(line, batches))
            vals_list.append(vals)
        # Decided before the units go on the move (their state is read here).
        label_writes = self._reused_label_writes(reused, batches)
        created = iter(self.env["stock.lot"]._serial_bulk_create(vals_list).ids)
        lot_ids = [line.lot_id or next(created) for line in lines]
        self.move_id._serial_assign_lots({self.move_id: lot_ids})
        # Written through the ORM once the units are on their move lines: whatever the
        # raw assignment above read, the ORM then recomputes what the lines compute
        # from the unit's dates (expiration and removal dates).
        Lot = self.env["stock.lot"]
        for vals, ids in label_writes.items():
            Lot.browse(ids).write(dict(vals))
        return lot_ids

    @staticmethod
    def _label_values(line, batches):
        """The unit values a captured line's label carries: batch (AI 10), production
        date (AI 11) and expiry (AI 17); only those present on the label."""
        vals = {}
        if line.batch:
            vals["batch_id"] = batches[line.batch]
        if line.production_date:
            vals["manufacture_date"] = line.production_date
        if line.expiry_date:
            vals["expiration_date"] = datetime.combine(line.expiry_date, time.min)
        return vals

    def _reused_label_writes(self, lines, batches):
        """What the label of each reused unit changes on it, grouped by identical
        values: ``{((field, value), ...): [unit ids]}``, one ``write`` per key.

        The rule: a unit not received yet (``unit_state`` "draft", e.g. made by
        "Generate Units" ahead of stock, its dates then only planned) takes what its
        physical label says: the label's batch, production date and expiry replace
        the unit's, values the label does not carry are left as they are. A unit that
        was received before (returned, scrapped, delivered…) keeps the values recorded
        then. The same holds whether the captured serial is the unit's serial or its
        manufacturer serial."""
        groups = defaultdict(list)
        units = self.env["stock.lot"].browse([line.lot_id for line in lines])
        for line, unit in zip(lines, units, strict=True):
            if unit.unit_state != "draft":
                continue
            current = {
                "batch_id": unit.batch_id.id,
                "manufacture_date": unit.manufacture_date,
                "expiration_date": unit.expiration_date,
            }
            changed = {
                fname: value
                for fname, value in self._label_values(line, batches).items()
                if current[fname] != value
            }
            if changed:
                groups[tuple(sorted(changed.items()))].append(unit.id)
        return groups
