import { beforeEach, expect, test } from "@odoo/hoot";
import { click, dblclick, edit, runAllTimers, waitFor } from "@odoo/hoot-dom";
import { Component, xml } from "@odoo/owl";
import { router } from "@web/core/browser/router";
import { registry } from "@web/core/registry";
import { getService, onRpc } from "@web/../tests/web_test_helpers";
// the scan screens' shared test kit
import * as scanTest from "@serial_tracking_barcode/../tests/scan_test_helpers";

const tag = "serial_tracking_sale_scan.order_scan";
scanTest.defineScanActions(
    [
        { id: 4444, name: "Scan to Order", tag },
        { id: 4446, name: "Elsewhere", tag: "serial_tracking_sale_scan.test_elsewhere" },
        { id: 4445, name: "Scan Units", tag, params: { order_id: 21 } },
    ],
    { errorSound: true }
);

let order;

class Elsewhere extends Component {
    static template = xml`<div class="o_st_test_elsewhere">Elsewhere</div>`;
    static props = ["*"];
}
registry.category("actions").add("serial_tracking_sale_scan.test_elsewhere", Elsewhere);

function phoneLine(serials) {
    return {
        id: 31,
        product: "Phone",
        barcode: "5410000000019",
        tracking: "serial",
        ordered: null,
        scanned: serials.length,
        uom: "Units",
        serials,
        complete: false,
        detail: "$ 321.00 each",
    };
}

async function openOrder() {
    await scanTest.openScanAction(4445, ".o_serial_order_header:contains(S00021)");
}

beforeEach(() => {
    order = {
        id: 21,
        name: "S00021",
        partner: "Azure Interior",
        state: "draft",
        state_label: "Quotation",
        amount: "$ 0.00",
        lines: [],
    };
    onRpc("sale.order", "scan_order_state", () => JSON.parse(JSON.stringify(order)));
    scanTest.onScanRpc("sale.order", "action_scan_unit", 21, (code) => {
        if (code === "S1") {
            order.lines = [phoneLine(["S1"])];
            const { serials, ...line } = phoneLine(["S1"]);
            return {
                status: "ok",
                message: "Phone S1 added at 321.0.",
                lines: [{ ...line, serial: serials[0] }],
                amount: "$ 321.00",
            };
        }
        return { status: "error", message: "Serial S9 is already on order S00007.", lines: [] };
    });
});

test("the customer first: a scanned customer code starts a quotation", async () => {
    onRpc("sale.order", "scan_find_customer", ({ args }) => {
        expect.step(`customer ${args[0]}`);
        return { status: "ok", partner_id: 5, name: "Azure Interior" };
    });
    onRpc("sale.order", "scan_create_order", ({ args }) => {
        expect.step(`create ${args[0]}`);
        return 21;
    });
    await scanTest.openScanAction(4444, ".o_serial_order_manual_input[placeholder='Scan or type the customer']");
    scanTest.scanWithScanner("CUST-5");
    await waitFor(".o_serial_order_header:contains(S00021)");
    expect.verifySteps(["customer CUST-5", "create 5"]);
    expect(".o_serial_order_feedback_success").toHaveText("New quotation for Azure Interior");
    expect(".o_serial_order_manual_input").toHaveAttribute(
        "placeholder",
        "Scan or type a unit's serial"
    );
});

test("a typed name lists the customers to choose from", async () => {
    onRpc("sale.order", "scan_find_customer", () => ({
        status: "error",
        message: "No single customer has the code Azure.",
    }));
    onRpc("res.partner", "search_read", () => [{ id: 5, display_name: "Azure Interior" }]);
    onRpc("sale.order", "scan_create_order", () => 21);
    await scanTest.openScanAction(4444, ".o_serial_order_manual_input");
    await click(".o_serial_order_manual_input");
    await edit("Azure");
    await click(".o_serial_order_manual_add");
    await waitFor(".o_serial_order_customer");
    await click(".o_serial_order_customer");
    await waitFor(".o_serial_order_header:contains(S00021)");
    expect(".o_serial_order_customer").toHaveCount(0);
});

test("a scanned unit is a line with its serial, a refused one is red", async () => {
    await openOrder();
    scanTest.scanWithScanner("S1");
    await waitFor(".o_serial_order_serial[data-serial='S1']");
    expect(".o_serial_order_feedback_success").toHaveText("Phone S1 added at 321.0.");
    expect(".o_serial_order_header").toHaveText(/\$ 321\.00/);
    scanTest.scanWithScanner("S9");
    await waitFor(".o_serial_order_feedback_danger");
    expect.verifySteps(["scan S1", "scan S9", "error sound"]);
    expect(".o_serial_order_line").toHaveCount(1);
});

test("removing a serial frees it; Confirm confirms the order", async () => {
    order.lines = [phoneLine(["S1", "S2"])];
    onRpc("sale.order", "action_remove_scan_unit", ({ args }) => {
        expect.step(`remove ${args[2]}`);
        order.lines = [phoneLine(["S1"])];
        return JSON.parse(JSON.stringify(order));
    });
    onRpc("sale.order", "action_confirm", () => {
        expect.step("confirm");
        order.state = "sale";
        order.state_label = "Sales Order";
        return true;
    });
    await openOrder();
    await click(".o_serial_order_serial[data-serial='S2'] .o_serial_order_unscan");
    await waitFor(".o_serial_order_feedback_info");
    expect(".o_serial_order_serial").toHaveCount(1);
    await click(".o_serial_order_confirm");
    await waitFor(".o_serial_order_confirmed");
    expect.verifySteps(["remove S2", "confirm"]);
    expect(".o_serial_order_manual_input").toHaveCount(0);
});

test("Back, with no screen to return to, opens the quotations", async () => {
    await openOrder();
    await scanTest.expectBackTo("o_serial_order", "sale.action_quotations_with_onboarding");
});

test("a started quotation is in the URL: a reload or going back resumes it", async () => {
    onRpc("sale.order", "scan_find_customer", () => ({
        status: "ok",
        partner_id: 5,
        name: "Azure Interior",
    }));
    onRpc("sale.order", "scan_create_order", () => 21);
    await scanTest.openScanAction(4444, ".o_serial_order_manual_input");
    scanTest.scanWithScanner("CUST-5");
    await waitFor(".o_serial_order_header:contains(S00021)");
    await runAllTimers(); // the router's debounced push
    expect(router.current.resId).toBe(21);
    // Elsewhere, then back with the breadcrumbs: the same quotation.
    await getService("action").doAction(4446);
    await waitFor(".o_st_test_elsewhere");
    await getService("action").restore();
    await waitFor(".o_serial_order_header:contains(S00021)");
    expect.verifySteps([]);
});

test("a double tap on Confirm confirms once", async () => {
    order.lines = [phoneLine(["S1"])];
    onRpc("sale.order", "action_confirm", () => {
        expect.step("confirm");
        order.state = "sale";
        order.state_label = "Sales Order";
        return true;
    });
    await openOrder();
    await dblclick(".o_serial_order_confirm");
    await waitFor(".o_serial_order_confirmed");
    expect.verifySteps(["confirm"]);
});
