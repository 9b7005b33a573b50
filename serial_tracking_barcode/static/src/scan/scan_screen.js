import { Component, onWillStart } from "@odoo/owl";
import { RPCError } from "@web/core/network/rpc";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { SCAN_PARTS } from "./scan_parts";
import { useScanSession } from "./scan_session";

const USER_ERROR = "odoo.exceptions.UserError";

/**
 * Base of the scan screens (client actions dispatch, receive, transfer, count, sell).
 *
 * It sets up what every screen shares: the `orm`, `action` and `dialog` services, the
 * record the screen scans on (`recordId`: the action's `params[recordParam]`, else the
 * context's `active_id` when `fromActiveId`), the scan session with its persistent queue
 * (`queueKey`, one queue per record), and `load()` before the first render.
 *
 * Its components are the screen parts (`SCAN_PARTS`). A screen sets `static template`,
 * `static recordParam`, `static queueKey`, and defines `sendScan(item)` (the server
 * call of one scan), `onScanResult(result, item)`, `load()` and `isDone` (scanner
 * scans are ignored once true).
 *
 * A screen whose flow takes a scan back and validates (receive, transfer) also sets
 * `static scanModel`, `static unscanMethod`, `static validateMethod` and
 * `scanRecordId`: `onUnscan(serial)` and `onValidate()` call them and hand the answer
 * to `onUnscanResult(result)` / `onValidateResult(result)` (null when Odoo's wizard,
 * e.g. the backorder choice, was shown and closed). A `UserError` of Validate (nothing
 * scanned yet...) is shown as the screen's red feedback, with the error sound.
 *
 * The methods named in `static onceMethods` (the screen's buttons) run one at a time:
 * a double tap, or a tap while a previous one still waits for the server or for its
 * dialog (`addDialog`), does nothing.
 */
export class ScanScreen extends Component {
    static components = SCAN_PARTS;
    static props = { ...standardActionServiceProps };
    static recordParam = "";
    static queueKey = "";
    static fromActiveId = true;
    static onceMethods = ["onUnscan", "onValidate"];

    setup() {
        this.busy = false;
        for (const name of this.constructor.onceMethods) {
            const method = this[name].bind(this);
            this[name] = (...args) => this.runOnce(() => method(...args));
        }
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.dialog = useService("dialog");
        const { params = {}, context = {} } = this.props.action;
        const { recordParam, fromActiveId } = this.constructor;
        this.recordId = params[recordParam] || (fromActiveId && context.active_id) || false;
        this.session = useScanSession({
            send: (item) => this.sendScan(item),
            onResult: (result, item) => this.onScanResult(result, item),
            storageKey: `${this.constructor.queueKey}.${this.recordId || "new"}`,
            isActive: () => !this.isDone,
        });
        onWillStart(() => this.load());
    }

    get isDone() {
        return false;
    }

    /** `fn()` unless a button's action is still running (a double tap): then nothing. */
    async runOnce(fn) {
        if (this.busy) {
            return;
        }
        this.busy = true;
        try {
            return await fn();
        } finally {
            this.busy = false;
        }
    }

    /** Opens a dialog; the promise resolves when it closes (see `onceMethods`). */
    addDialog(Dialog, props) {
        return new Promise((resolve) => this.dialog.add(Dialog, props, { onClose: resolve }));
    }

    get scanRecordId() {
        return this.recordId;
    }

    /** Take one scanned serial back (the wrong unit); like any manual edit, it pauses. */
    async onUnscan(serial) {
        this.session.pause();
        if (!this.session.ensureIdle()) {
            return;
        }
        const { scanModel, unscanMethod } = this.constructor;
        const result = await this.orm.call(scanModel, unscanMethod, [
            this.scanRecordId,
            serial,
        ]);
        await this.onUnscanResult(result);
        this.session.setFeedback("info", result.message);
    }

    async onUnscanResult(result) {}

    /** Validate with what was scanned: Odoo's wizard (backorder...) when it asks. */
    async onValidate() {
        if (!this.session.ensureIdle()) {
            return;
        }
        const { scanModel, validateMethod } = this.constructor;
        let result;
        try {
            result = await this.orm.call(scanModel, validateMethod, [this.scanRecordId]);
        } catch (error) {
            // A refusal of the user's own doing (nothing scanned yet, closed meanwhile)
            // is the screen's red feedback, not a dialog over a phone's whole screen.
            if (error instanceof RPCError && error.exceptionName === USER_ERROR) {
                this.session.setFeedback("danger", error.data.message);
                return;
            }
            throw error;
        }
        if (result.status === "action") {
            await this.actionService.doAction(result.action, {
                onClose: () => this.onValidateResult(null),
            });
        } else {
            await this.onValidateResult(result);
        }
    }

    async onValidateResult(result) {}
}
