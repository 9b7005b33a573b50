import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("serial_tracking_find_unit_tour", {
    steps: () => [
        {
            content: "Scan the manufacturer serial into the search bar of Serial Units",
            trigger: ".o_searchview_input",
            run: "edit TOURMFR-42",
        },
        {
            content: "Search units by serial or barcode",
            trigger: ".o_searchview_autocomplete .o-dropdown-item:first-child",
            run: "click",
        },
        {
            content: "Exactly the unit is found",
            trigger: ".o_data_row:only-child .o_data_cell:contains('TOUR-SN-1')",
            run: "click",
        },
        {
            content: "The form shows where the unit is in its lifecycle",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('In stock')",
        },
        {
            content: "Its timeline shows the receipt",
            trigger: ".o_serial_timeline_received .o_serial_timeline_label:contains('Received')",
        },
        {
            content: "Add a note to the unit",
            trigger: "button[name='action_log_note']",
            run: "click",
        },
        {
            content: "Write the note",
            trigger: ".modal div[name='description'] textarea",
            run: "edit Checked the seal before storage",
        },
        {
            content: "Save the note",
            trigger: ".modal .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The note is on the timeline",
            trigger: ".o_serial_timeline_note .o_serial_timeline_description:contains('Checked the seal')",
        },
    ],
});
