import {
    addScanTours,
    feedback,
    scanAnswer,
    scanReady,
    screenshot,
} from "@serial_tracking_barcode/../tests/tours/scan_tour_helpers";

function countSteps(shot) {
    return [
        {
            content: "Open the count screen from the count (the first button on a phone)",
            trigger: ".o_form_view button[name=action_open_scan]",
            run: "click",
        },
        scanReady("count"),
        {
            content: "Two units are recorded here, none found yet",
            trigger: ".o_serial_count_missing:contains(2)",
        },
        ...scanAnswer("CNT-HERE", feedback("count", "success", "CNT-HERE"), "Found: green, on its product's card"),
        {
            trigger: ".o_serial_count_line[data-scanned='1']:contains(Handheld Scanner)",
        },
        ...scanAnswer("CNT-HERE", feedback("count", "danger", "already counted"), "Scanned again: refused"),
        ...scanAnswer("CNT-THERE", feedback("count", "warning", "CNT-THERE"), "A unit recorded elsewhere: unexpected, orange"),
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

addScanTours(countSteps, {
    serial_tracking_count_tour: "count_desktop",
    serial_tracking_count_phone_tour: "count_phone",
});
