import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("serial_tracking_sale_scan_tour", {
    steps: () => [
        {
            content: "Type the customer",
            trigger: ".o_serial_order_input",
            run: "edit Tour Buyer",
        },
        {
            content: "Look the customer up",
            trigger: ".o_serial_order_input",
            run: "press Enter",
        },
        {
            content: "Choose the customer",
            trigger: ".o_serial_order_customer:contains(Tour Buyer)",
            run: "click",
        },
        {
            content: "Scan a unit of another order: refused",
            trigger: "h2:contains(Tour Buyer) ~ div .o_serial_order_input",
            run: "edit TOUR-HELD",
        },
        {
            trigger: ".o_serial_order_input",
            run: "press Enter",
        },
        {
            content: "The refusal says why",
            trigger: ".o_serial_order_feedback.alert-danger:contains(reserved on order)",
        },
        {
            content: "Scan a unit in stock",
            trigger: ".o_serial_order_input",
            run: "edit TOUR-1",
        },
        {
            trigger: ".o_serial_order_input",
            run: "press Enter",
        },
        {
            content: "It is a line of the order",
            trigger: ".o_serial_order_feedback.alert-success:contains(TOUR-1)",
        },
        {
            trigger: ".o_serial_order_units li:contains(TOUR-1)",
        },
        {
            content: "Confirm the order",
            trigger: ".o_serial_order_confirm",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger: ".o_serial_order_confirmed",
        },
    ],
});
