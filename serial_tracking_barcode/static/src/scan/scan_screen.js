import { Component, onWillStart } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { SCAN_PARTS } from "./scan_parts";
import { useScanSession } from "./scan_session";

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
 */
export class ScanScreen extends Component {
    static components = SCAN_PARTS;
    static props = { ...standardActionServiceProps };
    static recordParam = "";
    static queueKey = "";
    static fromActiveId = true;

    setup() {
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
}
