import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { mergeLines } from "@serial_tracking_barcode/scan/scan_parts";
import { ScanScreen } from "@serial_tracking_barcode/scan/scan_screen";

/**
 * Transfer by scan (client action `serial_tracking_barcode.transfer`): the shared scan
 * parts configured for `serial.scan.transfer`. A location scan sets where the units go
 * ("To"), or where they come from after tapping "From"; units scanned then go on the
 * user's draft internal transfer, validated with Validate.
 */
export class TransferAction extends ScanScreen {
    static template = "serial_tracking_barcode.TransferAction";
    static recordParam = "picking_id";
    static queueKey = "serial_tracking_barcode.transfer_queue";
    static scanModel = "serial.scan.transfer";
    static unscanMethod = "serial_transfer_unscan";
    static validateMethod = "serial_transfer_validate";
    // Opened from the menu: the user's own open transfer, whatever the context holds.
    static fromActiveId = false;

    setup() {
        super.setup();
        this.state = useState({
            picking: {},
            lines: [],
            transfer: {},
            lastLineId: false,
            role: "destination",
        });
    }

    sendScan(item) {
        return this.orm.silent.call("serial.scan.transfer", "serial_transfer_scan", [
            this.state.picking.id,
            item.code,
            item.scanUid,
            this.state.role,
        ]);
    }

    async load(pickingId = false) {
        const state = await this.orm.call("serial.scan.transfer", "serial_transfer_state", [
            pickingId || this.recordId,
        ]);
        this.setState(state);
    }

    setState({ lines, transfer, ...picking }) {
        this.state.picking = picking;
        this.state.lines = lines;
        this.state.transfer = transfer;
    }

    onScanResult(result) {
        if (result.transfer) {
            this.state.transfer = result.transfer;
        }
        if (result.status !== "ok") {
            return;
        }
        this.state.role = "destination";
        if (!mergeLines(this.state.lines, result.lines)) {
            return this.load(this.state.picking.id);
        }
        this.state.lastLineId = result.lines.length ? result.lines[0].id : false;
    }

    get scanRecordId() {
        return this.state.picking.id;
    }

    async onUnscanResult() {
        // The unit's move goes with its last unit: the lines are read again.
        await this.load(this.state.picking.id);
        this.state.lastLineId = false;
    }

    get fromLabel() {
        const { source, source_set } = this.state.transfer;
        return source_set ? source : _t("Any location of %s", source || "");
    }

    get toLabel() {
        const { destination, destination_set } = this.state.transfer;
        return destination_set ? destination : _t("Scan a location");
    }

    toggleSource() {
        this.state.role = this.state.role === "source" ? "destination" : "source";
        this.session.setFeedback(
            "info",
            this.state.role === "source"
                ? _t("Scan the location the units come from.")
                : _t("Scan the location the units go to.")
        );
    }

    async onValidateResult(result) {
        if (!result) {
            await this.load(this.state.picking.id);
            return;
        }
        this.setState(result.state);
        this.state.lastLineId = false;
        this.session.setFeedback("success", _t("%s is done.", result.done));
    }
}

registry.category("actions").add("serial_tracking_barcode.transfer", TransferAction);
