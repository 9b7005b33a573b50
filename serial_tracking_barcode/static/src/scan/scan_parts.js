import { Component, useRef, useState } from "@odoo/owl";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

/*
 * The screen parts every scan flow shares. Each takes `session` (from
 * `useScanSession`) when it needs the scanning state, and `prefix`: the flow's CSS
 * class prefix (e.g. "o_serial_dispatch"); every element carries both the shared class
 * `o_serial_scan_<part>` (styling) and `<prefix>_<part>` (the flow's tests and tours).
 */

/**
 * Merge an answer's line updates into `lines` (in place). False when one of them is
 * not there (a line added meanwhile, e.g. by another user): the screen reloads.
 */
export function mergeLines(lines, updates) {
    let known = true;
    for (const updated of updates) {
        const line = lines.find((line) => line.id === updated.id);
        if (line) {
            Object.assign(line, updated);
        } else {
            known = false;
        }
    }
    return known;
}

export function formatQty(qty) {
    return Number.isInteger(qty) ? String(qty) : Number(qty || 0).toFixed(2);
}

/**
 * A part that shows the session's state: `this.scan` is that state, observed by this
 * component (the session's object is the same on every render of the screen, so the
 * part must subscribe to it itself).
 */
class ScanStatePart extends Component {
    setup() {
        this.scan = useState(this.props.session.state);
    }
}

/**
 * Title bar: back button (to the previous screen, else the screen's own list:
 * `backAction`, by default the transfers), operation name and subtitle, offline /
 * pending / state badges.
 */
export class ScanHeader extends ScanStatePart {
    static template = "serial_tracking_barcode.ScanHeader";
    static props = {
        session: Object,
        prefix: String,
        title: { type: String, optional: true },
        subtitle: { type: String, optional: true },
        badge: { type: String, optional: true },
        backAction: { type: String, optional: true },
    };

    setup() {
        super.setup();
        this.action = useService("action");
    }

    /** Back to where the user came from, once every scan is sent. */
    async onBack() {
        if (!this.props.session.ensureIdle()) {
            return;
        }
        try {
            await this.action.restore();
        } catch {
            await this.action.doAction(this.props.backAction || "stock.action_picking_tree_all");
        }
    }
}

/** "Start scanning now!" / "Click here to start scanning products": click resumes. */
export class ScanPrompt extends ScanStatePart {
    static template = "serial_tracking_barcode.ScanPrompt";
    static props = { session: Object, prefix: String };

    get text() {
        return this.scan.scanning
            ? _t("Start scanning now!")
            : _t("Click here to start scanning products");
    }
}

/** The last answer, coloured by its type; the default slot holds actions (Override…). */
export class ScanFeedback extends ScanStatePart {
    static template = "serial_tracking_barcode.ScanFeedback";
    static props = { session: Object, prefix: String, slots: { type: Object, optional: true } };
}

/** Manual entry field and camera button: both enqueue into the session. */
export class ScanEntry extends Component {
    static template = "serial_tracking_barcode.ScanEntry";
    static props = {
        session: Object,
        prefix: String,
        disabled: { type: Boolean, optional: true },
        placeholder: { type: String, optional: true },
    };

    setup() {
        this.notification = useService("notification");
        this.isCameraSupported = isBarcodeScannerSupported();
        this.input = useRef("manualInput");
        this.state = useState({ code: "" });
    }

    get placeholder() {
        return this.props.placeholder || _t("Type a serial or barcode");
    }

    onSubmit() {
        const code = this.state.code;
        this.state.code = "";
        if (this.input.el) {
            this.input.el.value = "";
        }
        this.props.session.enqueue(code);
    }

    /**
     * Text pasted with line breaks (a list of serials copied from a sheet or a mail):
     * each line is one scan, where a text field would have joined them into one code.
     */
    onPaste(ev) {
        const text = ev.clipboardData?.getData("text/plain") || "";
        const codes = text
            .split(/\r\n|\r|\n/)
            .map((code) => code.trim())
            .filter(Boolean);
        if (codes.length < 2) {
            return; // one code: in the field, sent with Add as when typed
        }
        ev.preventDefault();
        for (const code of codes) {
            this.props.session.enqueue(code);
        }
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
            this.props.session.enqueue(code);
            if ("vibrate" in window.navigator) {
                window.navigator.vibrate(100);
            }
        }
    }
}

/**
 * Search box and line cards. A line is `{id, product, barcode, tracking, ordered,
 * scanned, uom, serials, complete}` (`ordered` may be null: no target). Searching
 * pauses the session. `onQuantity(line, qty)` makes untracked quantities editable,
 * `onUnscan(serial)` puts a remove button on each serial, `onSelect(line)` makes a
 * line tappable (`selectedId` is then highlighted).
 */
export class ScanLines extends Component {
    static template = "serial_tracking_barcode.ScanLines";
    static props = {
        session: Object,
        prefix: String,
        lines: Array,
        lastLineId: { optional: true },
        readonly: { type: Boolean, optional: true },
        onQuantity: { type: Function, optional: true },
        onUnscan: { type: Function, optional: true },
        onSelect: { type: Function, optional: true },
        selectedId: { optional: true },
        searchPlaceholder: { type: String, optional: true },
        emptyText: { type: String, optional: true },
    };

    setup() {
        this.state = useState({ search: "" });
        this.formatQty = formatQty;
    }

    get searchPlaceholder() {
        return this.props.searchPlaceholder || _t("Search a product");
    }

    get visibleLines() {
        const term = this.state.search.trim().toLowerCase();
        if (!term) {
            return this.props.lines;
        }
        return this.props.lines.filter(
            (line) =>
                line.product.toLowerCase().includes(term) ||
                (line.barcode || "").toLowerCase().includes(term) ||
                line.serials.some((serial) => serial.toLowerCase().includes(term))
        );
    }

    lineClass(line) {
        const p = this.props.prefix;
        const partial = !line.complete && line.scanned > 0;
        const last = line.id === this.props.lastLineId;
        return {
            [`o_serial_scan_line_complete ${p}_line_complete`]: line.complete,
            [`o_serial_scan_line_partial ${p}_line_partial`]: partial,
            [`o_serial_scan_line_last ${p}_line_last`]: last,
            [`o_serial_scan_line_selected ${p}_line_selected`]:
                line.id === this.props.selectedId,
        };
    }

    unscanTitle(serial) {
        return _t("Remove %s", serial);
    }

    onQuantityChange(line, ev) {
        this.props.session.pause();
        const quantity = Number(ev.target.value);
        Promise.resolve(this.props.onQuantity(line, quantity)).catch((error) => {
            ev.target.value = line.scanned;
            throw error;
        });
    }
}

/** Every part: the components of every scan screen (`ScanScreen`). */
export const SCAN_PARTS = { ScanEntry, ScanFeedback, ScanHeader, ScanLines, ScanPrompt };
