import { useState } from "@odoo/owl";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { ScanScreen } from "@serial_tracking_barcode/scan/scan_screen";

/**
 * A product row of the live result as a line card of the shared scan screen: serial
 * products show the units found against those recorded here (found + missing), the
 * unexpected ones in the detail; batches and untracked products the counted quantity
 * against the recorded one.
 */
export function countLine(row) {
    if (row.tracking === "serial") {
        return {
            id: row.product_id,
            product: row.product,
            barcode: row.barcode,
            tracking: row.tracking,
            ordered: row.found + row.missing,
            scanned: row.found,
            uom: row.uom,
            serials: [],
            complete: !row.missing && !row.unexpected,
            detail: _t("Found %(found)s · Missing %(missing)s · Unexpected %(unexpected)s", {
                found: row.found,
                missing: row.missing,
                unexpected: row.unexpected,
            }),
        };
    }
    return {
        id: row.product_id,
        product: row.product,
        barcode: row.barcode,
        tracking: row.tracking,
        ordered: row.expected_qty,
        scanned: row.counted_qty,
        uom: row.uom,
        serials: [],
        complete: row.counted_qty === row.expected_qty,
        detail: "",
    };
}

/**
 * Count screen of a count by serial (client action `serial_tracking_count.count_scan`):
 * the scan engine's shared screen parts configured for `serial.count.action_scan`.
 * Every scan goes through the session's persistent queue; the answer carries the
 * scanned product's row of the live result, so the screen never reloads the whole
 * count while scanning. Apply asks for confirmation.
 */
export class CountScan extends ScanScreen {
    static template = "serial_tracking_count.CountScan";
    static recordParam = "count_id";
    static queueKey = "serial_tracking_count.count_queue";
    static onceMethods = [...ScanScreen.onceMethods, "onApply"];

    setup() {
        super.setup();
        this.countId = this.recordId;
        this.state = useState({ summary: { products: [] }, lastLineId: false });
        this.texts = {
            placeholder: _t("Serial, batch or barcode"),
            empty: _t("Nothing is recorded or counted here yet."),
        };
    }

    sendScan(item) {
        return this.orm.silent.call("serial.count", "action_scan", [
            [this.countId],
            item.code,
            item.scanUid,
        ]);
    }

    async load() {
        this.state.summary = await this.orm.call("serial.count", "get_summary", [
            [this.countId],
        ]);
    }

    get isDone() {
        return this.state.summary.state && this.state.summary.state !== "draft";
    }

    get lines() {
        return this.state.summary.products.map(countLine);
    }

    get stateLabel() {
        return {
            draft: _t("Counting"),
            done: _t("Applied"),
            cancel: _t("Cancelled"),
        }[this.state.summary.state];
    }

    onScanResult(result) {
        if (result.status === "ok" && result.kind === "unexpected") {
            this.session.setFeedback("warning", result.message);
        }
        if (result.status === "ok" && result.product) {
            this.mergeRow(result.product);
            this.state.lastLineId = result.product.product_id;
        }
    }

    /**
     * Add what a scan changed to its product's row, and to the totals. A product the
     * screen does not list yet reloads the whole result (as opening the screen does:
     * other people's scans show then).
     */
    mergeRow({ product_id, changes }) {
        const summary = this.state.summary;
        const row = summary.products.find((p) => p.product_id === product_id);
        if (!row) {
            return this.load();
        }
        for (const [key, change] of Object.entries(changes)) {
            row[key] += change;
            if (key in summary && key !== "products") {
                summary[key] += change;
            }
        }
    }

    onApply() {
        if (!this.session.ensureIdle()) {
            return;
        }
        const { found, missing, unexpected } = this.state.summary;
        return this.addDialog(ConfirmationDialog, {
            title: _t("Apply the count"),
            body: _t(
                "%(found)s found, %(missing)s missing, %(unexpected)s unexpected. Missing units go to inventory loss, unexpected units are moved or counted in here. Apply?",
                { found, missing, unexpected }
            ),
            confirmLabel: _t("Apply"),
            confirm: async () => {
                await this.orm.call("serial.count", "action_apply", [[this.countId]]);
                await this.load();
                this.session.setFeedback("success", _t("The count is applied."));
            },
            cancel: () => {},
        });
    }
}

registry.category("actions").add("serial_tracking_count.count_scan", CountScan);
