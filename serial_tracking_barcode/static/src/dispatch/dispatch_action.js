import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { url } from "@web/core/utils/urls";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { DispatchSummaryDialog } from "./dispatch_summary_dialog";
import { ScanQueue } from "./scan_queue";

/**
 * Dispatch screen of a delivery (client action `serial_tracking_barcode.dispatch`).
 *
 * Scans come from Odoo's `barcode` service (keyboard-wedge scanners), the camera dialog
 * and a manual entry field; each one goes through a persistent {@link ScanQueue} to
 * `stock.picking.serial_dispatch_scan`, which decides everything. Searching or editing a
 * quantity pauses scanning until the prompt is clicked.
 */
export class DispatchAction extends Component {
    static template = "serial_tracking_barcode.DispatchAction";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        const { params = {}, context = {} } = this.props.action;
        this.pickingId = params.picking_id || context.active_id;
        this.isCameraSupported = isBarcodeScannerSupported();
        this.state = useState({
            picking: {},
            lines: [],
            feedback: { type: "info", message: "" },
            scanning: true,
            search: "",
            manualCode: "",
            pending: 0,
            offline: false,
            lastLineId: false,
        });
        this.queue = new ScanQueue({
            send: (item) =>
                this.orm.silent.call("stock.picking", "serial_dispatch_scan", [
                    [this.pickingId],
                    item.code,
                    item.scanUid,
                ]),
            onResult: (result) => this.onScanResult(result),
            onError: (error, item) => this.onScanFailure(error, item),
            onChange: () => {
                this.state.pending = this.queue.pending;
                this.state.offline = this.queue.offline;
            },
            storageKey: `serial_tracking_barcode.dispatch_queue.${this.pickingId}`,
        });
        this.state.pending = this.queue.pending;
        this.manualInput = useRef("manualInput");
        const barcode = useService("barcode");
        useBus(barcode.bus, "barcode_scanned", (ev) => this.onBarcodeScanned(ev.detail.barcode));
        onWillStart(() => this.load());
        onMounted(() => this.queue.flush()); // scans left over from a dropped session
        onWillUnmount(() => this.queue.stop());
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
        let unknown = false;
        for (const updated of lines) {
            const line = this.state.lines.find((line) => line.id === updated.id);
            if (line) {
                Object.assign(line, updated);
            } else {
                unknown = true;
            }
        }
        if (unknown) {
            this.load(); // a line added meanwhile (e.g. by another user): reload
        }
    }

    get isDone() {
        return ["done", "cancel"].includes(this.state.picking.state);
    }

    get visibleLines() {
        const term = this.state.search.trim().toLowerCase();
        if (!term) {
            return this.state.lines;
        }
        return this.state.lines.filter(
            (line) =>
                line.product.toLowerCase().includes(term) ||
                line.barcode.toLowerCase().includes(term) ||
                line.serials.some((serial) => serial.toLowerCase().includes(term))
        );
    }

    get prompt() {
        return this.state.scanning
            ? _t("Start scanning now!")
            : _t("Click here to start scanning products");
    }

    lineClass(line) {
        return {
            o_serial_dispatch_line_complete: line.complete,
            o_serial_dispatch_line_partial: !line.complete && line.scanned > 0,
            o_serial_dispatch_line_last: line.id === this.state.lastLineId,
        };
    }

    formatQty(qty) {
        return Number.isInteger(qty) ? String(qty) : qty.toFixed(2);
    }

    // ------------------------------------------------------------------ scanning

    pause() {
        this.state.scanning = false;
    }

    resume() {
        if (document.activeElement && document.activeElement !== document.body) {
            document.activeElement.blur();
        }
        this.state.scanning = true;
    }

    onBarcodeScanned(code) {
        if (!this.state.scanning || this.isDone) {
            return;
        }
        this.enqueue(code);
    }

    enqueue(code) {
        code = (code || "").trim();
        if (!code) {
            return;
        }
        this.state.feedback = { type: "info", message: _t("Checking %s…", code) };
        this.queue.push(code);
    }

    onManualSubmit() {
        const code = this.state.manualCode;
        this.state.manualCode = "";
        if (this.manualInput.el) {
            this.manualInput.el.value = "";
        }
        this.enqueue(code);
    }

    async openCamera() {
        let code;
        try {
            code = await scanBarcode(this.env);
        } catch (error) {
            this.notification.add(error.message || _t("Please, scan again!"), {
                type: "warning",
            });
            return;
        }
        if (code) {
            this.enqueue(code);
            if ("vibrate" in window.navigator) {
                window.navigator.vibrate(100);
            }
        }
    }

    onScanResult(result) {
        if (result.status === "ok") {
            this.applyLines(result.lines);
            this.state.lastLineId = result.lines.length ? result.lines[0].id : false;
            this.state.feedback = { type: "success", message: result.message };
        } else {
            this.state.feedback = { type: "danger", message: result.message };
            this.playErrorSound();
        }
    }

    onScanFailure(error, item) {
        const message = error.data?.message || error.message || String(error);
        this.state.feedback = {
            type: "danger",
            message: _t("%(code)s: %(message)s", { code: item.code, message }),
        };
        this.playErrorSound();
    }

    playErrorSound() {
        if (!this.errorSound) {
            const ext = new Audio().canPlayType("audio/ogg") ? "ogg" : "mp3";
            this.errorSound = new Audio(url(`/barcodes/static/src/audio/error.${ext}`));
        }
        this.errorSound.currentTime = 0;
        // Browsers refuse to play before a user gesture: the colour and message remain.
        this.errorSound.play()?.catch?.(() => {});
    }

    // ------------------------------------------------------------------ manual edits

    async onQuantityChange(line, ev) {
        this.pause();
        const quantity = Number(ev.target.value);
        try {
            const result = await this.orm.call("stock.picking", "serial_dispatch_set_quantity", [
                [this.pickingId],
                line.id,
                quantity,
            ]);
            this.applyLines(result.lines);
            this.state.feedback = { type: "success", message: result.message };
        } catch (error) {
            ev.target.value = line.scanned;
            throw error;
        }
    }

    unscanTitle(serial) {
        return _t("Remove %s", serial);
    }

    /** Take one scanned serial off (a wrong scan); like any manual edit, it pauses. */
    async onUnscan(serial) {
        this.pause();
        if (!this.ensureQueueEmpty()) {
            return;
        }
        const result = await this.orm.call("stock.picking", "serial_dispatch_unscan", [
            [this.pickingId],
            serial,
        ]);
        this.applyLines(result.lines);
        this.state.feedback = { type: "info", message: result.message };
    }

    // ------------------------------------------------------------------ buttons

    ensureQueueEmpty() {
        if (this.queue.pending) {
            this.notification.add(_t("Some scans are still being sent, please wait."), {
                type: "warning",
            });
            return false;
        }
        return true;
    }

    onRescan() {
        if (!this.ensureQueueEmpty()) {
            return;
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Rescan"),
            body: _t("Forget everything scanned on this delivery and start over?"),
            confirmLabel: _t("Rescan"),
            confirm: async () => {
                const state = await this.orm.call("stock.picking", "serial_dispatch_rescan", [
                    [this.pickingId],
                ]);
                this.setPickingState(state);
                this.state.lastLineId = false;
                this.state.feedback = { type: "info", message: _t("Everything was cleared.") };
                this.resume();
            },
            cancel: () => {},
        });
    }

    async onDispatch() {
        if (!this.ensureQueueEmpty()) {
            return;
        }
        const summary = await this.orm.call("stock.picking", "serial_dispatch_summary", [
            [this.pickingId],
        ]);
        this.dialog.add(DispatchSummaryDialog, {
            title: _t("Dispatch %s", this.state.picking.name),
            summary,
            confirm: async () => {
                await this.orm.call("stock.picking", "serial_dispatch_confirm", [
                    [this.pickingId],
                ]);
                this.state.picking.confirmed = true;
                this.state.feedback = {
                    type: "success",
                    message: _t("Dispatch confirmed: you can deliver."),
                };
            },
        });
    }

    async onDeliver() {
        if (!this.ensureQueueEmpty()) {
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
            this.state.feedback = {
                type: "success",
                message: _t("%s is delivered.", this.state.picking.name),
            };
        }
    }

    async onBack() {
        try {
            await this.actionService.restore();
        } catch {
            await this.actionService.doAction(
                "serial_tracking_barcode.stock_picking_action_serial_dispatch"
            );
        }
    }
}

registry.category("actions").add("serial_tracking_barcode.dispatch", DispatchAction);
