import { registry } from "@web/core/registry";
import { scan, screenshot } from "@serial_tracking_barcode/../tests/tours/scan_tour_helpers";

function countSteps(shot) {
    return [
        {
            content: "Open the count screen from the count (the first button on a phone)",
            trigger: ".o_form_view button[name=action_open_scan]",
            run: "click",
        },
        {
            content: "The screen invites to scan",
            trigger: ".o_serial_count_prompt:contains('Start scanning now!')",
        },
        {
            content: "Two units are recorded here, none found yet",
            trigger: ".o_serial_count_missing:contains(2)",
        },
        scan("CNT-HERE"),
        {
            content: "Found: green, on its product's card",
            trigger: ".o_serial_count_feedback_success:contains(CNT-HERE)",
        },
        {
            trigger: ".o_serial_count_line[data-scanned='1']:contains(Handheld Scanner)",
        },
        scan("CNT-HERE"),
        {
            content: "Scanned again: refused",
            trigger: ".o_serial_count_feedback_danger:contains(already counted)",
        },
        scan("CNT-THERE"),
        {
            content: "A unit recorded elsewhere: unexpected, orange",
            trigger: ".o_serial_count_feedback_warning:contains(CNT-THERE)",
        },
        { trigger: ".o_serial_count_unexpected:contains(1)" },
        { content: "One unit is still missing", trigger: ".o_serial_count_missing:contains(1)" },
        ...screenshot(shot, ".o_serial_count_line_last"),
        {
            content: "Apply",
            trigger: ".o_serial_count_apply",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Applied",
            trigger: ".o_serial_count_applied",
        },
    ];
}

registry.category("web_tour.tours").add("serial_tracking_count_tour", {
    steps: () => countSteps("count_desktop"),
});

registry.category("web_tour.tours").add("serial_tracking_count_phone_tour", {
    steps: () => countSteps("count_phone"),
});
