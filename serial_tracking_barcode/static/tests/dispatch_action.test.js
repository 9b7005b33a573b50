import { beforeEach, expect, test } from "@odoo/hoot";
import { animationFrame, click, edit, queryAllTexts, waitFor } from "@odoo/hoot-dom";
import { getService, onRpc } from "@web/../tests/web_test_helpers";
import {
    defineScanActions,
    onScanRpc,
    openScanAction,
    scanWithScanner,
    stepWindowClose,
} from "@serial_tracking_barcode/../tests/scan_test_helpers";

defineScanActions(
    [{ id: 4242, name: "Dispatch", tag: "serial_tracking_barcode.dispatch", params: { picking_id: 7 } }],
    { errorSound: true }
);

let lines;
let canOverride;

function drill(scanned = 0, serials = []) {
    return {
        id: 1,
        product_id: 10,
        product: "Drill",
        barcode: "7612345001012",
        tracking: "serial",
        ordered: 2,
        scanned,
        uom: "Units",
        serials,
        complete: scanned >= 2,
    };
}

function cable(scanned = 0) {
    return {
        id: 2,
        product_id: 11,
        product: "Cable",
        barcode: "7612345001029",
        tracking: "none",
        ordered: 3,
        scanned,
        uom: "Units",
        serials: [],
        complete: scanned >= 3,
    };
}

function pickingState() {
    return {
        id: 7,
        name: "WH/OUT/00007",
        partner: "Azure Interior",
        origin: "",
        state: "assigned",
        state_label: "Ready",
        location: "WH/Stock",
        version: 0,
        confirmed: false,
        can_override: canOverride,
        lines,
    };
}

async function openScreen() {
    await openScanAction(4242, ".o_serial_dispatch_line");
}

beforeEach(() => {
    lines = [drill(), cable()];
    canOverride = false;
    onRpc("stock.picking", "serial_dispatch_state", () => pickingState());
    onScanRpc("stock.picking", "serial_dispatch_scan", 7, (code, override) => {
        if (code === "SN-1") {
            lines[0] = drill(1, ["SN-1"]);
            return {
                status: "ok",
                reason: "ok",
                message: "Drill: serial SN-1 scanned.",
                lines: [lines[0]],
            };
        }
        if (code === "EXP-1") {
            if (override) {
                lines[0] = drill(1, ["EXP-1"]);
                return {
                    status: "ok",
                    reason: "ok",
                    message: "Drill: serial EXP-1 scanned.",
                    lines: [lines[0]],
                };
            }
            return {
                status: "error",
                reason: "unit_expired",
                message: "Serial EXP-1 expired on 2026-05-01: it must not be shipped.",
                lines: [],
            };
        }
        return {
            status: "error",
            reason: "product_not_in_order",
            message: "Saw is not on this delivery.",
            lines: [],
        };
    });
});

test("shows the order lines and records a scanner scan", async () => {
    await openScreen();
    expect(".o_serial_dispatch_prompt").toHaveText("Start scanning now!");
    expect(queryAllTexts(".o_serial_dispatch_product")).toEqual(["Drill", "Cable"]);
    expect(".o_serial_dispatch_line[data-product='Drill'] .o_serial_dispatch_scanned").toHaveText(
        "0"
    );
    scanWithScanner("SN-1");
    await waitFor(".o_serial_dispatch_feedback_success");
    expect.verifySteps(["scan SN-1"]);
    expect(".o_serial_dispatch_feedback").toHaveText("Drill: serial SN-1 scanned.");
    expect(".o_serial_dispatch_line[data-product='Drill'] .o_serial_dispatch_scanned").toHaveText(
        "1"
    );
    expect(".o_serial_dispatch_line[data-product='Drill'] .o_serial_dispatch_serial").toHaveText(
        "SN-1"
    );
    expect(".o_serial_dispatch_line[data-product='Drill']").toHaveClass(
        "o_serial_dispatch_line_partial"
    );
});

test("a refused scan is shown in red with the error sound and changes nothing", async () => {
    await openScreen();
    scanWithScanner("SAW-9");
    await waitFor(".o_serial_dispatch_feedback_danger");
    expect.verifySteps(["scan SAW-9", "error sound"]);
    expect(".o_serial_dispatch_feedback").toHaveClass("alert-danger");
    expect(".o_serial_dispatch_feedback").toHaveText("Saw is not on this delivery.");
    expect(queryAllTexts(".o_serial_dispatch_scanned")).toEqual(["0", "0"]);
});

test("the manual entry field sends a scan", async () => {
    await openScreen();
    await click(".o_serial_dispatch_manual_input");
    await edit("SN-1");
    await click(".o_serial_dispatch_manual_add");
    await waitFor(".o_serial_dispatch_feedback_success");
    expect.verifySteps(["scan SN-1"]);
    expect(".o_serial_dispatch_manual_input").toHaveValue("");
});

test("searching a product pauses scanning until the prompt is clicked", async () => {
    await openScreen();
    await click(".o_serial_dispatch_search");
    await animationFrame();
    expect(".o_serial_dispatch_prompt").toHaveText("Click here to start scanning products");
    await edit("cab");
    await animationFrame();
    expect(queryAllTexts(".o_serial_dispatch_product")).toEqual(["Cable"]);
    scanWithScanner("SN-1");
    await animationFrame();
    expect.verifySteps([]); // paused: the scan is ignored
    await click(".o_serial_dispatch_prompt");
    await animationFrame();
    expect(".o_serial_dispatch_prompt").toHaveText("Start scanning now!");
    scanWithScanner("SN-1");
    await waitFor(".o_serial_dispatch_feedback_success");
    expect.verifySteps(["scan SN-1"]);
});

test("changing a quantity by hand pauses scanning and saves the quantity", async () => {
    onRpc("stock.picking", "serial_dispatch_set_quantity", ({ args }) => {
        expect.step(`set ${args[1]} ${args[2]}`);
        lines[1] = cable(args[2]);
        return { status: "ok", message: "Quantity updated.", lines: [lines[1]] };
    });
    await openScreen();
    await click(".o_serial_dispatch_line[data-product='Cable'] .o_serial_dispatch_qty_input");
    await animationFrame();
    expect(".o_serial_dispatch_prompt").toHaveClass("o_serial_dispatch_paused");
    await edit("2", { confirm: "enter" });
    await waitFor(".o_serial_dispatch_line[data-product='Cable'][data-scanned='2']");
    expect.verifySteps(["set 2 2"]);
    expect(".o_serial_dispatch_prompt").toHaveText("Click here to start scanning products");
});

test("removing one scanned serial pauses scanning and updates its line", async () => {
    lines = [drill(1, ["SN-1"]), cable()];
    onRpc("stock.picking", "serial_dispatch_unscan", ({ args }) => {
        expect.step(`unscan ${args[1]}`);
        expect(args[0]).toEqual([7]);
        lines[0] = drill(0, []);
        return {
            status: "ok",
            reason: "ok",
            message: "Serial SN-1 removed.",
            lines: [lines[0]],
        };
    });
    await openScreen();
    expect(".o_serial_dispatch_serial[data-serial='SN-1']").toHaveCount(1);
    await click(".o_serial_dispatch_serial[data-serial='SN-1'] .o_serial_dispatch_unscan");
    await waitFor(".o_serial_dispatch_feedback_info");
    expect.verifySteps(["unscan SN-1"]);
    expect(".o_serial_dispatch_feedback").toHaveText("Serial SN-1 removed.");
    expect(".o_serial_dispatch_serial").toHaveCount(0);
    expect(".o_serial_dispatch_line[data-product='Drill'] .o_serial_dispatch_scanned").toHaveText(
        "0"
    );
    expect(".o_serial_dispatch_prompt").toHaveText("Click here to start scanning products");
});

test("Rescan asks for confirmation and reloads the cleared lines", async () => {
    onRpc("stock.picking", "serial_dispatch_rescan", () => {
        expect.step("rescan");
        lines = [drill(), cable()];
        return pickingState();
    });
    lines = [drill(1, ["SN-1"]), cable(1)];
    await openScreen();
    await click(".o_serial_dispatch_rescan");
    await waitFor(".modal");
    await click(".modal .modal-footer .btn-primary");
    await waitFor(".o_serial_dispatch_line[data-product='Drill'][data-scanned='0']");
    expect.verifySteps(["rescan"]);
    expect(".o_serial_dispatch_serial").toHaveCount(0);
});

test("Dispatch shows what is missing and confirms", async () => {
    onRpc("stock.picking", "serial_dispatch_summary", () => ({
        lines: [
            { ...drill(1, ["SN-1"]), missing: 1, extra: 0 },
            { ...cable(3), missing: 0, extra: 0 },
        ],
        complete: false,
        scanned: 4,
        missing: 1,
        extra: 0,
        complete_lines: 1,
    }));
    onRpc("stock.picking", "serial_dispatch_confirm", () => {
        expect.step("confirm");
        return {};
    });
    await openScreen();
    await click(".o_serial_dispatch_dispatch");
    await waitFor(".o_serial_dispatch_summary");
    expect(".o_serial_dispatch_summary_status").toHaveText(/Missing: 1 unit/);
    expect(".o_serial_dispatch_summary_line").toHaveCount(2);
    expect(".o_serial_dispatch_summary_line:first").toHaveClass("table-warning");
    await click(".o_serial_dispatch_summary_confirm");
    await waitFor(".o_serial_dispatch_feedback_success");
    expect.verifySteps(["confirm"]);
    expect(".modal").toHaveCount(0);
});

test("Deliver opens Odoo's backorder wizard when the server asks", async () => {
    onRpc("stock.picking", "serial_dispatch_deliver", () => ({
        status: "action",
        action: { type: "ir.actions.act_window_close" },
    }));
    await openScreen();
    stepWindowClose("backorder wizard");
    await click(".o_serial_dispatch_deliver");
    await animationFrame();
    expect.verifySteps(["backorder wizard"]);
});

test("an expired unit: a stock manager may ship it anyway", async () => {
    canOverride = true;
    await openScreen();
    scanWithScanner("EXP-1");
    await waitFor(".o_serial_dispatch_feedback_danger");
    expect.verifySteps(["scan EXP-1", "error sound"]);
    expect(".o_serial_dispatch_override").toHaveText("Ship anyway");
    await click(".o_serial_dispatch_override");
    await waitFor(".o_serial_dispatch_feedback_success");
    expect.verifySteps(["override EXP-1"]);
    expect(".o_serial_dispatch_override").toHaveCount(0);
    expect(".o_serial_dispatch_line[data-product='Drill'] .o_serial_dispatch_serial").toHaveText(
        "EXP-1"
    );
});

test("an expired unit: no override for other users, nor for other refusals", async () => {
    await openScreen();
    scanWithScanner("EXP-1");
    await waitFor(".o_serial_dispatch_feedback_danger");
    expect(".o_serial_dispatch_override").toHaveCount(0);
    canOverride = true;
    await getService("action").doAction(4242);
    await waitFor(".o_serial_dispatch_line");
    scanWithScanner("SAW-9");
    await waitFor(".o_serial_dispatch_feedback_danger");
    expect(".o_serial_dispatch_override").toHaveCount(0);
    expect.verifySteps(["scan EXP-1", "error sound", "scan SAW-9", "error sound"]);
});
