import { registry } from "@web/core/registry";

/**
 * A recall from a batch, start to quarantine: preview, confirm, the units with us
 * (by warehouse and location) and delivered (by customer), then Move to
 * Quarantine. Steps log "serial_recall_screenshot:<name>" where the Python test
 * may take a screenshot.
 */
function screenshot(name) {
    return {
        content: `Screenshot: ${name}`,
        trigger: "body",
        run() {
            console.log(`serial_recall_screenshot:${name}`);
        },
    };
}

function openButtonBox() {
    return {
        content: "On a phone, the recall's smart buttons are behind a button",
        trigger: ".o_control_panel button:has(.fa-bolt)",
        run: "click",
        isActive: ["mobile"],
    };
}

function backToRecall() {
    return [
        {
            content: "Back to the recall",
            trigger: ".breadcrumb-item a:contains(RCL/)",
            run: "click",
            isActive: ["desktop"],
        },
        {
            content: "Back to the recall",
            trigger: ".o_back_button",
            run: "click",
            isActive: ["mobile"],
        },
    ];
}

registry.category("web_tour.tours").add("serial_tracking_recall_tour", {
    steps: () => [
        {
            content: "Start a recall",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "Say what is wrong",
            trigger: ".o_field_widget[name=title] input",
            run: "edit Tour overheating",
        },
        {
            content: "Recall a batch",
            trigger: ".o_field_widget[name=batch_ids] input",
            run: "edit RC-TOUR",
            isActive: ["desktop"],
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(RC-TOUR)",
            run: "click",
            isActive: ["desktop"],
        },
        {
            content: "Recall a batch",
            trigger: ".o_field_widget[name=batch_ids] input",
            run: "edit RC-TOUR",
            isActive: ["mobile"],
        },
        {
            trigger: ".modal .o_data_row:contains(RC-TOUR), .modal .o_kanban_record:contains(RC-TOUR)",
            run: "click",
            isActive: ["mobile"],
        },
        {
            trigger: ".o_field_widget[name=batch_ids] .o_tag:contains(RC-TOUR)",
        },
        {
            content: "The preview counts the units before anything is written",
            trigger: ".o_field_widget[name=preview_count]:contains(5)",
        },
        {
            trigger: ".o_field_widget[name=preview_held_count]:contains(2)",
        },
        {
            trigger: ".o_field_widget[name=preview_delivered_count]:contains(3)",
        },
        screenshot("preview"),
        {
            content: "Confirm the recall",
            trigger: "button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Yes: block them",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The recall is open",
            trigger: ".o_field_widget[name=unit_count]:contains(5)",
        },
        screenshot("confirmed"),
        openButtonBox(),
        {
            trigger: "button[name=action_view_held] .o_stat_value:contains(2)",
        },
        {
            content: "The units with us",
            trigger: "button[name=action_view_held]",
            run: "click",
        },
        {
            content: "grouped by warehouse",
            trigger: ".o_group_header:contains(Warehouse)",
        },
        screenshot("with_us"),
        ...backToRecall(),
        openButtonBox(),
        {
            content: "The delivered units",
            trigger: "button[name=action_view_delivered]",
            run: "click",
        },
        {
            content: "grouped by customer",
            trigger: ".o_group_header:contains(Second Customer)",
        },
        {
            trigger: ".o_group_header:contains(Serial Customer)",
        },
        screenshot("delivered"),
        ...backToRecall(),
        {
            content: "Quarantine what we hold",
            trigger: "button[name=action_quarantine_move]",
            run: "click",
        },
        {
            content: "The chatter says where they went",
            trigger: ".o-mail-Message:contains(units moved to quarantine)",
        },
        screenshot("quarantined"),
    ],
});
