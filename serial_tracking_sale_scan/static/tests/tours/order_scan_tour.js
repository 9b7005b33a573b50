import { registry } from "@web/core/registry";
import { scan, screenshot } from "@serial_tracking_barcode/../tests/tours/scan_tour_helpers";

function orderSteps(shot) {
    return [
        {
            content: "Type the customer",
            trigger: ".o_serial_order_manual_input",
            run: "edit Tour Buyer",
        },
        {
            content: "Look the customer up",
            trigger: ".o_serial_order_manual_add",
            run: "click",
        },
        {
            content: "Choose the customer",
            trigger: ".o_serial_order_customer:contains(Tour Buyer)",
            run: "click",
        },
        {
            content: "A quotation for the customer",
            trigger: ".o_serial_order_header:contains(Tour Buyer)",
        },
        scan("TOUR-HELD"),
        {
            content: "A unit of another quotation: refused, with why",
            trigger: ".o_serial_order_feedback_danger:contains(already on order)",
        },
        scan("TOUR-1"),
        {
            content: "It is a line of the order, with its serial",
            trigger: ".o_serial_order_feedback_success:contains(TOUR-1)",
        },
        {
            trigger: ".o_serial_order_line .o_serial_order_serial[data-serial='TOUR-1']",
        },
        ...screenshot(shot, ".o_serial_order_line_last"),
        {
            content: "Confirm the order",
            trigger: ".o_serial_order_confirm",
            run: "click",
        },
        {
            content: "Confirmed",
            trigger: ".o_serial_order_confirmed",
        },
    ];
}

registry.category("web_tour.tours").add("serial_tracking_sale_scan_tour", {
    steps: () => orderSteps("sell_desktop"),
});

registry.category("web_tour.tours").add("serial_tracking_sale_scan_phone_tour", {
    steps: () => orderSteps("sell_phone"),
});
