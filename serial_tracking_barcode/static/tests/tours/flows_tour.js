import { registry } from "@web/core/registry";
import { feedback, scan, scanAnswer, scanReady, screenshot } from "./scan_tour_helpers";

function receiveLine(product, scanned) {
    return `.o_serial_receive_line[data-product="${product}"][data-scanned="${scanned}"]`;
}

function openReceive() {
    return [
        {
            content: "Open receive by scan from the receipt",
            trigger: ".o_form_view button.o_serial_receive_button",
            run: "click",
        },
        scanReady("receive"),
    ];
}

function transferReady() {
    return {
        content: "The transfer screen invites to scan",
        trigger: ".o_serial_transfer_prompt:contains('Start scanning now!')",
    };
}

function validateTransfer() {
    return [
        { content: "Validate", trigger: ".o_serial_transfer_validate", run: "click" },
        {
            content: "Done, and a new empty transfer is ready",
            trigger: ".o_serial_transfer_feedback_success:contains('is done')",
        },
    ];
}

registry.category("web_tour.tours").add("serial_tracking_barcode_receive_tour", {
    steps: () => [
        ...openReceive(),
        ...scanAnswer("7612345001012", feedback("receive", "danger", "product barcode of Dispatch Drill"), "The product's own barcode is not a serial"),
        ...scanAnswer("RCV-0001", receiveLine("Dispatch Drill", 1), "Drill 1"),
        ...scanAnswer("(01)07612345001012(21)RCV-0002(17)271231", receiveLine("Dispatch Drill", 2), "Drill 2 (GS1)"),
        ...scanAnswer("RCV-0009", receiveLine("Dispatch Drill", 3), "Drill 3: the wrong unit"),
        {
            content: "Remove the wrong unit",
            trigger: ".o_serial_receive_serial[data-serial='RCV-0009'] .o_serial_receive_unscan",
            run: "click",
        },
        {
            content: "It is gone: Drill 2 again",
            trigger: `${receiveLine("Dispatch Drill", 2)}:not(:has([data-serial='RCV-0009']))`,
        },
        {
            content: "Scanning resumes with a tap",
            trigger: ".o_serial_receive_prompt",
            run: "click",
        },
        ...scanAnswer("RCV-0001", feedback("receive", "danger", "already scanned"), "A serial scanned twice is refused"),
        ...scanAnswer("7612345001029", receiveLine("Dispatch Cable", 1), "Cable 1"),
        ...screenshot("receive_desktop", receiveLine("Dispatch Cable", 1)),
        { content: "Validate", trigger: ".o_serial_receive_validate", run: "click" },
        {
            content: "Short: Odoo's backorder choice",
            trigger: ".modal button[name='process']",
            run: "click",
        },
        {
            content: "Received",
            trigger: ".o_serial_receive_feedback_success:contains('is received')",
        },
    ],
});

registry.category("web_tour.tours").add("serial_tracking_barcode_receive_phone_tour", {
    steps: () => [
        ...openReceive(),
        ...scanAnswer("RCV-0003", receiveLine("Dispatch Drill", 1), "Drill 1"),
        ...scanAnswer("07612345001012", feedback("receive", "danger", "product barcode"), "The product's barcode (GTIN-14 form) is refused"),
        ...screenshot("receive_phone", ".o_serial_receive_feedback_danger"),
    ],
});

registry.category("web_tour.tours").add("serial_tracking_barcode_transfer_tour", {
    steps: () => [
        transferReady(),
        ...scanAnswer("DSP0005", feedback("transfer", "danger", "Scan a location first"), "A unit before any location is refused"),
        scan("LOC-B"),
        {
            content: "Shelf B is where the units go",
            trigger: ".o_serial_transfer_destination:contains('Shelf B')",
        },
        scan("DSP0005"),
        {
            content: "The unit is on the transfer",
            trigger: ".o_serial_transfer_serial[data-serial='DSP0005']",
        },
        scan("DSP0006"),
        {
            content: "The wrong unit is on the transfer too",
            trigger: ".o_serial_transfer_serial[data-serial='DSP0006']",
        },
        {
            content: "Remove the wrong unit",
            trigger: ".o_serial_transfer_serial[data-serial='DSP0006'] .o_serial_transfer_unscan",
            run: "click",
        },
        {
            content: "Only the right unit is left",
            trigger: ".o_serial_transfer_feedback:contains('DSP0006 removed')",
        },
        {
            content: "Scanning resumes with a tap",
            trigger: ".o_serial_transfer_prompt",
            run: "click",
        },
        ...scanAnswer("DSP0000", feedback("transfer", "danger", "reserved for"), "A unit reserved on a delivery is refused"),
        ...screenshot("transfer_desktop", ".o_serial_transfer_feedback_danger"),
        ...validateTransfer(),
    ],
});

registry.category("web_tour.tours").add("serial_tracking_barcode_transfer_phone_tour", {
    steps: () => [
        transferReady(),
        { content: "Tap From", trigger: ".o_serial_transfer_from", run: "click" },
        scan("LOC-A"),
        {
            content: "Shelf A is where the units come from",
            trigger: ".o_serial_transfer_source:contains('Shelf A')",
        },
        scan("DSP0008"),
        {
            content: "The unit is on the transfer",
            trigger: ".o_serial_transfer_serial[data-serial='DSP0008']",
        },
        scan("LOC-B"),
        {
            content: "Shelf B is where it goes",
            trigger: ".o_serial_transfer_destination:contains('Shelf B')",
        },
        ...screenshot("transfer_phone", ".o_serial_transfer_destination:contains('Shelf B')"),
        ...validateTransfer(),
    ],
});
