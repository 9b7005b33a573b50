import { registry } from "@web/core/registry";
import { feedback, scan, scanAnswer, scanReady, screenshot } from "./scan_tour_helpers";

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
        scanReady("dispatch"),
        ...scanAnswer("OTH0001", feedback("dispatch", "danger", "is not on this delivery"), "A product that is not on the order is refused"),
        ...scanAnswer("DSP0007", feedback("dispatch", "success", "DSP0007"), "An unreserved serial is accepted (the reservation is swapped)"),
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
        ...scanAnswer("DSP0000", lineQty("Dispatch Drill", 1), "Drill 1"),
        ...scanAnswer("(01)07612345001012(21)DSP0001", lineQty("Dispatch Drill", 2), "Drill 2 (GS1)"),
        ...scanAnswer("https://id.gs1.org/01/07612345001012/21/DSP0009", lineQty("Dispatch Drill", 3), "Drill 3 (Digital Link)"),
        ...scanAnswer("DSP0002", feedback("dispatch", "danger", "already scanned"), "A fourth serial is refused: the line is complete"),
        ...scanAnswer("7612345001029", lineQty("Dispatch Cable", 1), "Cable 1"),
        ...scanAnswer("7612345001029", lineQty("Dispatch Cable", 2), "Cable 2"),
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
        scanReady("dispatch"),
        ...scanAnswer("DSP0001", lineQty("Dispatch Drill", 1), "Drill 1"),
        ...scanAnswer("NOPE-404", feedback("dispatch", "danger", "Unknown barcode"), "Unknown code"),
        ...screenshot("phone", ".o_serial_dispatch_feedback_danger"),
    ],
});
