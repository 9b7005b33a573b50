import { useState } from "@odoo/owl";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { mergeLines } from "@serial_tracking_barcode/scan/scan_parts";
import { ScanQueue } from "@serial_tracking_barcode/scan/scan_queue";
import { ScanScreen } from "@serial_tracking_barcode/scan/scan_screen";
import { DispatchSummaryDialog } from "./dispatch_summary_dialog";

/**
 * Dispatch screen of a delivery (client action `serial_tracking_barcode.dispatch`): the
 * shared scan parts (`scan/`) configured for `stock.picking.serial_dispatch_*`.
 *
 * Every scan goes through the session's persistent queue to
 * `stock.picking.serial_dispatch_scan`, which decides everything. Searching or editing
 * a quantity pauses scanning until the prompt is clicked.
 */
export class DispatchAction extends ScanScreen {
    static template = "serial_tracking_barcode.DispatchAction";
    static recordParam = "picking_id";
    static queueKey = "serial_tracking_barcode.dispatch_queue";
    static onceMethods = [
        ...ScanScreen.onceMethods,
        "onOverride",
        "onRescan",
        "onDispatch",
        "onDeliver",
    ];

    setup() {
        super.setup();
        this.pickingId = this.recordId;
        this.state = useState({ picking: {}, lines: [], lastLineId: false, override: null });
    }

    sendScan(item) {
        return this.orm.silent.call("stock.picking", "serial_dispatch_scan", [
            [this.pickingId],
            item.code,
            item.scanUid,
        ]);
    }

    // ------------------------------------------------------------------ data

    async load() {
        const state = await this.orm.call("stock.picking", "serial_dispatch_state", [
            [this.pickingId],
        ]);
        this.setPickingState(state);
    }

    setPickingState(state) {
        const { lines, ...picking } = state;
        this.state.picking = picking;
        this.state.lines = lines;
    }

    /** Merge line updates (scanned quantity, serials...) returned by the server. */
    applyLines(lines) {
        if (!mergeLines(this.state.lines, lines)) {
            this.load(); // a line added meanwhile (e.g. by another user): reload
        }
    }

    get isDone() {
        return ["done", "cancel"].includes(this.state.picking.state);
    }

    // ------------------------------------------------------------------ scanning

    onScanResult(result, item) {
        // An expired unit: a stock manager may ship it anyway (noted on its timeline).
        this.state.override =
            result.reason === "unit_expired" && this.state.picking.can_override
                ? { code: item.code }
                : null;
        if (result.status === "ok") {
            this.applyLines(result.lines);
            this.state.lastLineId = result.lines.length ? result.lines[0].id : false;
        }
    }

    /** "Ship anyway": send the refused scan again with the manager's override. */
    async onOverride() {
        const { code } = this.state.override;
        this.state.override = null;
        const result = await this.orm.call("stock.picking", "serial_dispatch_scan", [
            [this.pickingId],
            code,
            ScanQueue.newScanUid(),
            true,
        ]);
        this.session.setFeedback(result.status === "ok" ? "success" : "danger", result.message);
        this.onScanResult(result, { code });
    }

    // ------------------------------------------------------------------ manual edits

    async onQuantityChange(line, quantity) {
        const result = await this.orm.call("stock.picking", "serial_dispatch_set_quantity", [
            [this.pickingId],
            line.id,
            quantity,
        ]);
        this.applyLines(result.lines);
        this.session.setFeedback("success", result.message);
    }

    /** Take one scanned serial off (a wrong scan); like any manual edit, it pauses. */
    async onUnscan(serial) {
        this.session.pause();
        if (!this.session.ensureIdle()) {
            return;
        }
        const result = await this.orm.call("stock.picking", "serial_dispatch_unscan", [
            [this.pickingId],
            serial,
        ]);
        this.applyLines(result.lines);
        this.session.setFeedback("info", result.message);
    }

    // ------------------------------------------------------------------ buttons

    onRescan() {
        if (!this.session.ensureIdle()) {
            return;
        }
        return this.addDialog(ConfirmationDialog, {
            title: _t("Rescan"),
            body: _t("Forget everything scanned on this delivery and start over?"),
            confirmLabel: _t("Rescan"),
            confirm: async () => {
                const state = await this.orm.call("stock.picking", "serial_dispatch_rescan", [
                    [this.pickingId],
                ]);
                this.setPickingState(state);
                this.state.lastLineId = false;
                this.session.setFeedback("info", _t("Everything was cleared."));
                this.session.resume();
            },
            cancel: () => {},
        });
    }

    async onDispatch() {
        if (!this.session.ensureIdle()) {
            return;
        }
        const summary = await this.orm.call("stock.picking", "serial_dispatch_summary", [
            [this.pickingId],
        ]);
        return this.addDialog(DispatchSummaryDialog, {
            title: _t("Dispatch %s", this.state.picking.name),
            summary,
            confirm: async () => {
                await this.orm.call("stock.picking", "serial_dispatch_confirm", [
                    [this.pickingId],
                ]);
                this.state.picking.confirmed = true;
                this.session.setFeedback("success", _t("Dispatch confirmed: you can deliver."));
            },
        });
    }

    async onDeliver() {
        if (!this.session.ensureIdle()) {
            return;
        }
        const result = await this.orm.call("stock.picking", "serial_dispatch_deliver", [
            [this.pickingId],
        ]);
        if (result.status === "action") {
            await this.actionService.doAction(result.action, {
                onClose: () => this.afterDeliver(),
            });
        } else {
            this.setPickingState(result.state);
            this.afterDeliver();
        }
    }

    async afterDeliver() {
        await this.load();
        if (this.state.picking.state === "done") {
            this.session.setFeedback("success", _t("%s is delivered.", this.state.picking.name));
        }
    }
}

registry.category("actions").add("serial_tracking_barcode.dispatch", DispatchAction);
