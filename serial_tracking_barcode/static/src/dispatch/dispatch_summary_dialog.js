import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";

/** "Does the shipment match the order?": complete lines, missing and extra, then confirm. */
export class DispatchSummaryDialog extends Component {
    static template = "serial_tracking_barcode.DispatchSummaryDialog";
    static components = { Dialog };
    static props = {
        title: String,
        summary: Object,
        confirm: Function,
        close: Function,
    };

    setup() {
        this.state = useState({ busy: false });
    }

    formatQty(qty) {
        return Number.isInteger(qty) ? String(qty) : qty.toFixed(2);
    }

    async onConfirm() {
        if (this.state.busy) {
            return; // a double tap: the first one is on its way
        }
        this.state.busy = true;
        try {
            await this.props.confirm();
            this.props.close();
        } finally {
            this.state.busy = false;
        }
    }
}
