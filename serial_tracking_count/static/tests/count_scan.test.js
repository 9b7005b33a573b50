import { beforeEach, expect, test } from "@odoo/hoot";
import { animationFrame, click, dblclick, waitFor } from "@odoo/hoot-dom";
import { onRpc } from "@web/../tests/web_test_helpers";
import { countLine } from "@serial_tracking_count/count_scan/count_scan";
// the scan screens' shared test kit
import * as scanTest from "@serial_tracking_barcode/../tests/scan_test_helpers";

scanTest.defineScanActions(
    [{ id: 4343, name: "Count", tag: "serial_tracking_count.count_scan", params: { count_id: 3 } }],
    { errorSound: true }
);

function meter(found = 0, missing = 2, unexpected = 0) {
    return {
        product_id: 10,
        product: "Meter",
        barcode: "5410000000019",
        tracking: "serial",
        uom: "Units",
        found,
        missing,
        unexpected,
        expected_qty: 0,
        counted_qty: 0,
    };
}

function bolt(counted = 0) {
    return {
        product_id: 11,
        product: "Bolt",
        barcode: "2099999000011",
        tracking: "none",
        uom: "Units",
        found: 0,
        missing: 0,
        unexpected: 0,
        expected_qty: 7,
        counted_qty: counted,
    };
}

let state;

function summary() {
    const products = [meter(), bolt()];
    return {
        id: 3,
        name: "Shelf count",
        state,
        location: "WH/Stock/Shelf 1",
        products,
        found: 0,
        missing: 2,
        unexpected: 0,
    };
}

const answers = {
    H1: {
        status: "ok",
        kind: "found",
        message: "Meter H1 counted.",
        product: { product_id: 10, changes: { found: 1, missing: -1 } },
    },
    T1: {
        status: "ok",
        kind: "unexpected",
        message: "Meter T1 counted, but it is not recorded here.",
        product: { product_id: 10, changes: { unexpected: 1 } },
    },
    NOPE: { status: "error", kind: false, message: "Unknown barcode NOPE.", product: false },
};

async function openScreen() {
    await scanTest.openScanAction(4343, ".o_serial_count_line");
}

beforeEach(() => {
    state = "draft";
    onRpc("serial.count", "get_summary", () => summary());
    scanTest.onScanRpc("serial.count", "action_scan", 3, (code) => answers[code]);
});

test("a product row becomes a line card", () => {
    expect(countLine(meter(1, 1, 1))).toMatchObject({
        id: 10,
        ordered: 2,
        scanned: 1,
        complete: false,
    });
    expect(countLine(meter(2, 0, 0)).complete).toBe(true);
    expect(countLine(bolt(7))).toMatchObject({ ordered: 7, scanned: 7, complete: true });
});

test("shows the live result and counts a found unit", async () => {
    await openScreen();
    expect(".o_serial_count_prompt").toHaveText("Start scanning now!");
    expect(".o_serial_count_missing").toHaveText("2\nMissing");
    scanTest.scanWithScanner("H1");
    await waitFor(".o_serial_count_feedback_success");
    expect.verifySteps(["scan H1"]);
    expect(".o_serial_count_feedback").toHaveText("Meter H1 counted.");
    expect(".o_serial_count_line[data-product='Meter'][data-scanned='1']").toHaveCount(1);
    expect(".o_serial_count_line[data-product='Meter']").toHaveClass(
        "o_serial_count_line_last"
    );
    expect(".o_serial_count_found").toHaveText("1\nFound");
    expect(".o_serial_count_missing").toHaveText("1\nMissing");
});

test("an unexpected unit is orange, a refused scan red with the error sound", async () => {
    await openScreen();
    scanTest.scanWithScanner("T1");
    await waitFor(".o_serial_count_feedback_warning");
    expect(".o_serial_count_unexpected").toHaveText("1\nUnexpected");
    scanTest.scanWithScanner("NOPE");
    await waitFor(".o_serial_count_feedback_danger");
    expect.verifySteps(["scan T1", "scan NOPE", "error sound"]);
    expect(".o_serial_count_feedback").toHaveText("Unknown barcode NOPE.");
    expect(".o_serial_count_unexpected").toHaveText("1\nUnexpected");
});

test("Apply asks for confirmation, then the screen shows the count applied", async () => {
    onRpc("serial.count", "action_apply", ({ args }) => {
        expect.step(`apply ${args[0]}`);
        state = "done";
        return true;
    });
    await openScreen();
    await click(".o_serial_count_apply");
    await waitFor(".modal");
    expect(".modal-body").toHaveText(
        "0 found, 2 missing, 0 unexpected. Missing units go to inventory loss, unexpected units are moved or counted in here. Apply?"
    );
    await click(".modal .modal-footer .btn-primary");
    await waitFor(".o_serial_count_applied");
    expect.verifySteps(["apply 3"]);
    expect(".o_serial_count_prompt").toHaveCount(0);
    expect(".o_serial_count_manual_input").toHaveCount(0);
    scanTest.scanWithScanner("H1");
    expect.verifySteps([]); // an applied count takes no scan
});

test("Back, with no screen to return to, opens the list of counts", async () => {
    await openScreen();
    await scanTest.expectBackTo("o_serial_count", "serial_tracking_count.serial_count_action");
});

test("a double tap on Apply asks once", async () => {
    await openScreen();
    await dblclick(".o_serial_count_apply");
    await waitFor(".modal");
    await animationFrame();
    expect(".modal").toHaveCount(1);
});
