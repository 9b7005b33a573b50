/*
 * What a new user does to the scan screens (double taps, pasted lists, long codes, a
 * dropped connection on a phone), found trying them by hand.
 */
import { beforeEach, expect, test } from "@odoo/hoot";
import { Deferred } from "@odoo/hoot-mock";
import { animationFrame, click, dblclick, edit, waitFor } from "@odoo/hoot-dom";
import { onRpc } from "@web/../tests/web_test_helpers";
import {
    defineScanActions,
    openScanAction,
    stepWindowClose,
} from "@serial_tracking_barcode/../tests/scan_test_helpers";

defineScanActions([
    {
        id: 6161,
        name: "Dispatch",
        tag: "serial_tracking_barcode.dispatch",
        params: { picking_id: 7 },
    },
    {
        id: 6262,
        name: "Receive",
        tag: "serial_tracking_barcode.receive",
        context: { active_id: 9 },
    },
]);

function drill(scanned = 0, serials = []) {
    return {
        id: 1,
        product_id: 10,
        product: "Drill",
        barcode: "7612345001012",
        tracking: "serial",
        ordered: 3,
        scanned,
        uom: "Units",
        serials,
        complete: scanned >= 3,
    };
}

let lines;

function pickingState() {
    return {
        id: 7,
        name: "WH/OUT/00007",
        partner: "Azure Interior",
        state: "assigned",
        state_label: "Ready",
        confirmed: false,
        can_override: false,
        lines,
    };
}

beforeEach(() => {
    localStorage.clear();
    lines = [drill()];
    onRpc("stock.picking", "serial_dispatch_state", () => pickingState());
    onRpc("stock.picking", "serial_dispatch_scan", ({ args }) => {
        const code = args[1];
        expect.step(`scan ${code}`);
        if (code === "HANG") {
            return new Promise(() => {}); // the server never answers
        }
        if (code.startsWith("SN-")) {
            lines[0] = drill(lines[0].scanned + 1, [...lines[0].serials, code]);
            return { status: "ok", reason: "ok", message: `${code} scanned.`, lines };
        }
        return { status: "error", reason: "unknown", message: `Unknown barcode ${code}.` };
    });
    onRpc("serial.scan.receive", "serial_receive_state", () => ({ ...pickingState(), id: 9 }));
});

function openDispatch() {
    return openScanAction(6161, ".o_serial_dispatch_line");
}

test("a double tap on Dispatch opens one summary", async () => {
    onRpc("stock.picking", "serial_dispatch_summary", () => {
        expect.step("summary");
        return {
            lines: [{ ...drill(), missing: 3, extra: 0 }],
            complete: false,
            scanned: 0,
            missing: 3,
            extra: 0,
            complete_lines: 0,
        };
    });
    await openDispatch();
    await dblclick(".o_serial_dispatch_dispatch");
    await waitFor(".o_serial_dispatch_summary");
    await animationFrame();
    expect.verifySteps(["summary"]);
    expect(".modal").toHaveCount(1);
    // Closed, the button works again.
    await click(".modal .btn-close");
    await animationFrame();
    await click(".o_serial_dispatch_dispatch");
    await waitFor(".o_serial_dispatch_summary");
    expect.verifySteps(["summary"]);
});

test("a double tap on Confirm dispatch confirms once", async () => {
    lines = [drill(1, ["SN-1"])];
    onRpc("stock.picking", "serial_dispatch_summary", () => ({
        lines: [{ ...drill(1, ["SN-1"]), missing: 2, extra: 0 }],
        complete: false,
        scanned: 1,
        missing: 2,
        extra: 0,
        complete_lines: 0,
    }));
    const answer = new Deferred(); // the server is busy: the second tap comes first
    onRpc("stock.picking", "serial_dispatch_confirm", () => {
        expect.step("confirm");
        return answer;
    });
    await openDispatch();
    await click(".o_serial_dispatch_dispatch");
    await waitFor(".o_serial_dispatch_summary_confirm");
    await dblclick(".o_serial_dispatch_summary_confirm");
    answer.resolve({});
    await waitFor(".o_serial_dispatch_feedback_success");
    expect.verifySteps(["confirm"]);
});

test("a double tap on Rescan asks once", async () => {
    await openDispatch();
    await dblclick(".o_serial_dispatch_rescan");
    await waitFor(".modal");
    await animationFrame();
    expect(".modal").toHaveCount(1);
});

test("a double tap on Deliver delivers once", async () => {
    const answer = new Deferred();
    onRpc("stock.picking", "serial_dispatch_deliver", () => {
        expect.step("deliver");
        return answer;
    });
    await openDispatch();
    await dblclick(".o_serial_dispatch_deliver");
    answer.resolve({ status: "done", state: { ...pickingState(), state: "done" } });
    await animationFrame();
    await animationFrame();
    expect.verifySteps(["deliver"]);
});

test("a double tap on Validate (receive) validates once", async () => {
    const answer = new Deferred();
    onRpc("serial.scan.receive", "serial_receive_validate", () => {
        expect.step("validate");
        return answer;
    });
    await openScanAction(6262, ".o_serial_receive_line");
    stepWindowClose("backorder wizard");
    await dblclick(".o_serial_receive_validate");
    answer.resolve({ status: "action", action: { type: "ir.actions.act_window_close" } });
    await animationFrame();
    await animationFrame();
    expect.verifySteps(["validate", "backorder wizard"]);
});

test("pasted lines are one scan each", async () => {
    await openDispatch();
    const input = await waitFor(".o_serial_dispatch_manual_input");
    const clipboardData = new DataTransfer();
    clipboardData.setData("text/plain", "SN-1\r\n  SN-2 \n\nSN-3\n");
    const paste = new ClipboardEvent("paste", {
        clipboardData,
        bubbles: true,
        cancelable: true,
    });
    input.dispatchEvent(paste);
    await waitFor(".o_serial_dispatch_line[data-scanned='3']");
    expect.verifySteps(["scan SN-1", "scan SN-2", "scan SN-3"]);
    expect(paste.defaultPrevented).toBe(true);
    expect(input).toHaveValue("");
});

test("one pasted code stays in the field, sent with Add", async () => {
    await openDispatch();
    const input = await waitFor(".o_serial_dispatch_manual_input");
    const clipboardData = new DataTransfer();
    clipboardData.setData("text/plain", "SN-1");
    const paste = new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true });
    input.dispatchEvent(paste);
    await animationFrame();
    expect(paste.defaultPrevented).toBe(false);
    expect.verifySteps([]);
});

test("a long code wraps in the feedback instead of widening the screen", async () => {
    await openDispatch();
    await click(".o_serial_dispatch_manual_input");
    await edit("B".repeat(250));
    await click(".o_serial_dispatch_manual_add");
    await waitFor(".o_serial_dispatch_feedback_danger");
    expect.verifySteps([`scan ${"B".repeat(250)}`]);
    expect(".o_serial_scan_feedback_text").toHaveClass("text-break");
});

test("on a phone, the offline and pending badges keep their size", async () => {
    await openDispatch();
    await click(".o_serial_dispatch_manual_input");
    await edit("HANG");
    await click(".o_serial_dispatch_manual_add");
    await waitFor(".o_serial_dispatch_pending");
    expect.verifySteps(["scan HANG"]);
    expect(".o_serial_dispatch_pending").toHaveClass("flex-shrink-0");
    expect(".o_serial_dispatch_state").toHaveClass("flex-shrink-0");
});
