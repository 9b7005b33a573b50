import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { mergeLines } from "@serial_tracking_barcode/scan/scan_parts";
import { ScanScreen } from "@serial_tracking_barcode/scan/scan_screen";

/**
 * Receive by scan (client action `serial_tracking_barcode.receive`): the shared scan
 * parts configured for `serial.scan.receive`. Unit labels and manufacturers' GS1 codes
 * are scanned as goods come off the truck; tapping a line sends the plain serials
 * scanned next to it (when several serial products are expected). Validate is Odoo's.
 */
export class ReceiveAction extends ScanScreen {
    static template = "serial_tracking_barcode.ReceiveAction";
    static recordParam = "picking_id";
    static queueKey = "serial_tracking_barcode.receive_queue";
    static scanModel = "serial.scan.receive";
    static unscanMethod = "serial_receive_unscan";
    static validateMethod = "serial_receive_validate";

    setup() {
        super.setup();
        this.pickingId = this.recordId;
        this.state = useState({ picking: {}, lines: [], lastLineId: false, selectedId: false });
    }

    sendScan(item) {
        return this.orm.silent.call("serial.scan.receive", "serial_receive_scan", [
            this.pickingId,
            item.code,
            item.scanUid,
            this.state.selectedId || false,
        ]);
    }

    async load() {
        const state = await this.orm.call("serial.scan.receive", "serial_receive_state", [
            this.pickingId,
        ]);
        this.setPickingState(state);
    }

    setPickingState({ lines, ...picking }) {
        this.state.picking = picking;
        this.state.lines = lines;
    }

    get isDone() {
        return ["done", "cancel"].includes(this.state.picking.state);
    }

    onScanResult(result) {
        if (result.status !== "ok") {
            return;
        }
        if (!mergeLines(this.state.lines, result.lines)) {
            return this.load();
        }
        this.state.lastLineId = result.lines.length ? result.lines[0].id : false;
    }

    async onUnscanResult(result) {
        if (!mergeLines(this.state.lines, result.lines)) {
            await this.load();
        }
    }

    onSelect(line) {
        this.state.selectedId = this.state.selectedId === line.id ? false : line.id;
    }

    async onValidateResult(result) {
        if (result) {
            this.setPickingState(result.state);
        }
        await this.load();
        if (this.state.picking.state === "done") {
            this.session.setFeedback(
                "success",
                _t("%s is received.", this.state.picking.name)
            );
        }
    }
}

registry.category("actions").add("serial_tracking_barcode.receive", ReceiveAction);
