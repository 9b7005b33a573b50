import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("serial_tracking_count_tour", {
    steps: () => [
        {
            content: "Open the count",
            trigger: ".o_data_cell:contains(Tour count)",
            run: "click",
        },
        {
            content: "Start scanning",
            trigger: "button[name=action_open_scan]",
            run: "click",
        },
        {
            content: "Scan a unit recorded here",
            trigger: ".o_serial_count_input",
            run: "edit CNT-HERE",
        },
        {
            trigger: ".o_serial_count_input",
            run: "press Enter",
        },
        {
            content: "Found",
            trigger: ".o_serial_count_feedback.alert-success:contains(CNT-HERE)",
        },
        {
            content: "Scan it again: refused",
            trigger: ".o_serial_count_input",
            run: "edit CNT-HERE",
        },
        {
            trigger: ".o_serial_count_input",
            run: "press Enter",
        },
        {
            trigger: ".o_serial_count_feedback.alert-danger:contains(already counted)",
        },
        {
            content: "One missing unit shows",
            trigger: ".o_serial_count_totals:contains(Missing: 1)",
        },
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
            trigger: ".o_serial_count_scan .alert-success:contains(applied)",
        },
    ],
});
