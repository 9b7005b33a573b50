import { beforeEach, describe, expect, test } from "@odoo/hoot";
import { animationFrame, click, edit, queryAllTexts, waitFor } from "@odoo/hoot-dom";
import { makeServerError, onRpc } from "@web/../tests/web_test_helpers";
import {
    defineScanActions,
    openScanAction,
    scanWithScanner,
    stepErrorSound,
    stepWindowClose,
} from "@serial_tracking_barcode/../tests/scan_test_helpers";

defineScanActions([
    {
        id: 5151,
        name: "Receive",
        tag: "serial_tracking_barcode.receive",
        context: { active_id: 9 },
    },
    {
        id: 5252,
        name: "Transfer",
        tag: "serial_tracking_barcode.transfer",
    },
]);

function line(id, product, tracking, ordered, scanned = 0, serials = []) {
    return {
        id,
        product_id: id + 100,
        product,
        barcode: "",
        tracking,
        ordered,
        scanned,
        uom: "Units",
        serials,
        complete: scanned >= ordered,
    };
}

let lines;

function state(extra = {}) {
    return {
        id: 9,
        name: "WH/IN/00009",
        partner: "Vendor",
        origin: "",
        state: "assigned",
        state_label: "Ready",
        location: "Vendors",
        lines,
        ...extra,
    };
}

beforeEach(() => {
    lines = [line(1, "Drill", "serial", 2), line(2, "Saw", "serial", 1)];
});

describe("receive", () => {
    beforeEach(() => {
        onRpc("serial.scan.receive", "serial_receive_state", ({ args }) => {
            expect.step(`state ${args[0]}`);
            return state();
        });
        onRpc("serial.scan.receive", "serial_receive_scan", ({ args }) => {
            const [pickingId, code, scanUid, moveId] = args;
            expect.step(`scan ${pickingId} ${code} ${moveId}`);
            expect(scanUid.length).toBeGreaterThan(8);
            if (code === "R-1" && moveId === 2) {
                lines[1] = line(2, "Saw", "serial", 1, 1, ["R-1"]);
                return { status: "ok", reason: "ok", message: "Saw: serial R-1 received.", lines: [lines[1]] };
            }
            return {
                status: "error",
                reason: "choose_line",
                message: "Serial R-1: several products of this receipt take serials.",
                lines: [],
            };
        });
    });

    test("a refused scan is red; tapping a line sends the serial to it", async () => {
        await openScanAction(5151, ".o_serial_receive_line");
        expect.verifySteps(["state 9"]);
        expect(".o_serial_receive_prompt").toHaveText("Start scanning now!");
        expect(queryAllTexts(".o_serial_receive_product")).toEqual(["Drill", "Saw"]);
        scanWithScanner("R-1");
        await waitFor(".o_serial_receive_feedback_danger");
        expect.verifySteps(["scan 9 R-1 false"]);
        await click(".o_serial_receive_line[data-product='Saw']");
        await animationFrame();
        expect(".o_serial_receive_line[data-product='Saw']").toHaveClass(
            "o_serial_receive_line_selected"
        );
        await click(".o_serial_receive_manual_input");
        await edit("R-1");
        await click(".o_serial_receive_manual_add");
        await waitFor(".o_serial_receive_feedback_success");
        expect.verifySteps(["scan 9 R-1 2"]);
        expect(".o_serial_receive_line[data-product='Saw']").toHaveClass(
            "o_serial_receive_line_complete"
        );
        expect(".o_serial_receive_line[data-product='Saw'] .o_serial_receive_serial").toHaveText(
            "R-1"
        );
    });

    test("removing a scanned serial asks the server and updates its line", async () => {
        lines[0] = line(1, "Drill", "serial", 2, 2, ["R-7", "R-8"]);
        onRpc("serial.scan.receive", "serial_receive_unscan", ({ args }) => {
            expect.step(`unscan ${args[0]} ${args[1]}`);
            lines[0] = line(1, "Drill", "serial", 2, 1, ["R-8"]);
            return { status: "ok", reason: "ok", message: "Serial R-7 removed.", lines: [lines[0]] };
        });
        await openScanAction(5151, ".o_serial_receive_line");
        expect(".o_serial_receive_line[data-product='Drill']").toHaveClass(
            "o_serial_receive_line_complete"
        );
        await click(".o_serial_receive_serial[data-serial='R-7'] .o_serial_receive_unscan");
        await waitFor(".o_serial_receive_feedback:contains('Serial R-7 removed.')");
        expect.verifySteps(["state 9", "unscan 9 R-7"]);
        expect(
            queryAllTexts(".o_serial_receive_line[data-product='Drill'] .o_serial_receive_serial")
        ).toEqual(["R-8"]);
        expect(".o_serial_receive_line[data-product='Drill']").not.toHaveClass(
            "o_serial_receive_line_complete"
        );
        // Scanning was paused by the edit: the prompt offers to resume it.
        expect(".o_serial_receive_prompt").toHaveText("Click here to start scanning products");
    });

    test("Validate opens Odoo's backorder wizard when the server asks", async () => {
        onRpc("serial.scan.receive", "serial_receive_validate", ({ args }) => {
            expect.step(`validate ${args[0]}`);
            return { status: "action", action: { type: "ir.actions.act_window_close" } };
        });
        await openScanAction(5151, ".o_serial_receive_line");
        stepWindowClose("backorder wizard");
        await click(".o_serial_receive_validate");
        await animationFrame();
        expect.verifySteps(["state 9", "validate 9", "backorder wizard"]);
    });

    test("a receipt expecting nothing says so", async () => {
        lines = [];
        await openScanAction(5151, ".o_serial_receive_lines");
        await waitFor(".o_serial_receive_lines:contains('This receipt expects no products')");
        expect.verifySteps(["state 9"]);
    });

    test("Validate refused (nothing scanned yet) is red feedback, not a dialog", async () => {
        onRpc("serial.scan.receive", "serial_receive_validate", () => {
            expect.step("validate");
            throw makeServerError({ message: "Nothing has been scanned yet." });
        });
        await openScanAction(5151, ".o_serial_receive_line");
        stepErrorSound();
        await click(".o_serial_receive_validate");
        await waitFor(".o_serial_receive_feedback:contains('Nothing has been scanned yet.')");
        expect.verifySteps(["state 9", "validate", "error sound"]);
        expect(".o_dialog").toHaveCount(0);
    });
});

describe("transfer", () => {
    let transfer;

    beforeEach(() => {
        lines = [];
        transfer = {
            source: "WH/Stock",
            source_set: false,
            destination: "WH/Stock",
            destination_set: false,
        };
        onRpc("serial.scan.transfer", "serial_transfer_state", () => ({
            ...state({ id: 21, name: "WH/INT/00021", origin: "Transfer by scan" }),
            transfer,
        }));
        onRpc("serial.scan.transfer", "serial_transfer_scan", ({ args }) => {
            const [pickingId, code, , role] = args;
            expect.step(`scan ${pickingId} ${code} ${role}`);
            if (code.startsWith("LOC-")) {
                const name = `WH/Stock/${code}`;
                if (role === "source") {
                    transfer = { ...transfer, source: name, source_set: true };
                } else {
                    transfer = { ...transfer, destination: name, destination_set: true };
                }
                return { status: "ok", reason: "ok", message: `To ${name}`, lines: [], transfer };
            }
            lines = [line(7, "Drill", "serial", 1, 1, [code])];
            return { status: "ok", reason: "ok", message: `${code} to move.`, lines, transfer };
        });
    });

    test("From, then To, then a unit", async () => {
        await openScanAction(5252, ".o_serial_transfer_from");
        expect(".o_serial_transfer_destination").toHaveText("Scan a location");
        expect(".o_serial_transfer_validate").toHaveAttribute("disabled");
        await click(".o_serial_transfer_from");
        await animationFrame();
        expect(".o_serial_transfer_feedback").toHaveText("Scan the location the units come from.");
        await click(".o_serial_transfer_prompt");
        scanWithScanner("LOC-A");
        await waitFor(".o_serial_transfer_source:contains('WH/Stock/LOC-A')");
        scanWithScanner("LOC-B");
        await waitFor(".o_serial_transfer_destination:contains('WH/Stock/LOC-B')");
        scanWithScanner("SN-7");
        await waitFor(".o_serial_transfer_line[data-product='Drill']");
        expect.verifySteps([
            "scan 21 LOC-A source",
            "scan 21 LOC-B destination",
            "scan 21 SN-7 destination",
        ]);
        expect(".o_serial_transfer_validate").not.toHaveAttribute("disabled");
    });

    test("removing a scanned unit asks the server and reads the transfer again", async () => {
        lines = [line(7, "Drill", "serial", 2, 2, ["SN-7", "SN-8"])];
        onRpc("serial.scan.transfer", "serial_transfer_unscan", ({ args }) => {
            expect.step(`unscan ${args[0]} ${args[1]}`);
            lines = [line(7, "Drill", "serial", 1, 1, ["SN-8"])];
            return { status: "ok", reason: "ok", message: "Serial SN-7 removed.", lines, transfer };
        });
        await openScanAction(5252, ".o_serial_transfer_line[data-product='Drill']");
        await click(".o_serial_transfer_serial[data-serial='SN-7'] .o_serial_transfer_unscan");
        await waitFor(".o_serial_transfer_feedback:contains('Serial SN-7 removed.')");
        expect.verifySteps(["unscan 21 SN-7"]);
        expect(queryAllTexts(".o_serial_transfer_serial")).toEqual(["SN-8"]);
    });
});
