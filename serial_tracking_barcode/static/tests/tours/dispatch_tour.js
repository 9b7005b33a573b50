import { registry } from "@web/core/registry";
import { scan, screenshot } from "./scan_tour_helpers";

function lineQty(product, scanned) {
    return `.o_serial_dispatch_line[data-product="${product}"][data-scanned="${scanned}"]`;
}

registry.category("web_tour.tours").add("serial_tracking_barcode_dispatch_tour", {
    steps: () => [
        {
            content: "Open the dispatch screen from the delivery",
            trigger: ".o_form_view button[name='action_serial_dispatch']",
            run: "click",
        },
        {
            content: "The screen invites to scan",
            trigger: ".o_serial_dispatch_prompt:contains('Start scanning now!')",
        },
        scan("OTH0001"),
        {
            content: "A product that is not on the order is refused",
            trigger: ".o_serial_dispatch_feedback_danger:contains('is not on this delivery')",
        },
        scan("DSP0007"),
        {
            content: "An unreserved serial is accepted (the reservation is swapped)",
            trigger: ".o_serial_dispatch_feedback_success:contains('DSP0007')",
        },
        { content: "Drill line counts 1", trigger: lineQty("Dispatch Drill", 1) },
        {
            content: "Changing a quantity by hand pauses scanning",
            trigger: ".o_serial_dispatch_line[data-product='Dispatch Cable'] input",
            run: "click",
        },
        {
            content: "The prompt says scanning is paused",
            trigger: ".o_serial_dispatch_prompt:contains('Click here to start scanning products')",
        },
        {
            content: "Set the cable quantity by hand",
            trigger: ".o_serial_dispatch_line[data-product='Dispatch Cable'] input",
            run: "edit 1 && press Enter",
        },
        { content: "Cable line counts 1", trigger: lineQty("Dispatch Cable", 1) },
        {
            content: "Click the prompt to resume scanning",
            trigger: ".o_serial_dispatch_prompt.o_serial_dispatch_paused",
            run: "click",
        },
        {
            content: "Scanning again",
            trigger: ".o_serial_dispatch_prompt:contains('Start scanning now!')",
        },
        { content: "Rescan", trigger: ".o_serial_dispatch_rescan", run: "click" },
        { content: "Confirm rescan", trigger: ".modal .modal-footer .btn-primary", run: "click" },
        { content: "Drill line is back to 0", trigger: lineQty("Dispatch Drill", 0) },
        { content: "Cable line is back to 0", trigger: lineQty("Dispatch Cable", 0) },
        scan("DSP0000"),
        { content: "Drill 1", trigger: lineQty("Dispatch Drill", 1) },
        scan("(01)07612345001012(21)DSP0001"),
        { content: "Drill 2 (GS1)", trigger: lineQty("Dispatch Drill", 2) },
        scan("https://id.gs1.org/01/07612345001012/21/DSP0009"),
        { content: "Drill 3 (Digital Link)", trigger: lineQty("Dispatch Drill", 3) },
        scan("DSP0002"),
        {
            content: "A fourth serial is refused: the line is complete",
            trigger: ".o_serial_dispatch_feedback_danger:contains('already scanned')",
        },
        scan("7612345001029"),
        { content: "Cable 1", trigger: lineQty("Dispatch Cable", 1) },
        scan("7612345001029"),
        { content: "Cable 2", trigger: lineQty("Dispatch Cable", 2) },
        ...screenshot("desktop", ".o_serial_dispatch_line_complete[data-product='Dispatch Cable']"),
        { content: "Dispatch", trigger: ".o_serial_dispatch_dispatch", run: "click" },
        {
            content: "The shipment matches the order",
            trigger: ".o_serial_dispatch_summary_status:contains('The shipment matches the order')",
        },
        { content: "Confirm", trigger: ".o_serial_dispatch_summary_confirm", run: "click" },
        {
            content: "Dispatch confirmed",
            trigger: ".o_serial_dispatch_feedback_success:contains('Dispatch confirmed')",
        },
        { content: "Deliver", trigger: ".o_serial_dispatch_deliver", run: "click" },
        {
            content: "Delivered",
            trigger: ".o_serial_dispatch_feedback_success:contains('is delivered')",
        },
        { content: "Buttons are disabled", trigger: ".o_serial_dispatch_deliver:disabled" },
    ],
});

registry.category("web_tour.tours").add("serial_tracking_barcode_phone_tour", {
    steps: () => [
        {
            content: "Open the delivery from the Dispatch list",
            trigger:
                ".o_kanban_record:contains('Dispatch Phone Customer') button[name='action_serial_dispatch']",
            run: "click",
        },
        {
            content: "The screen invites to scan",
            trigger: ".o_serial_dispatch_prompt:contains('Start scanning now!')",
        },
        scan("DSP0001"),
        { content: "Drill 1", trigger: lineQty("Dispatch Drill", 1) },
        scan("NOPE-404"),
        {
            content: "Unknown code",
            trigger: ".o_serial_dispatch_feedback_danger:contains('Unknown barcode')",
        },
        ...screenshot("phone", ".o_serial_dispatch_feedback_danger"),
    ],
});
