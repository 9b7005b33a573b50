import {
    addScanTours,
    feedback,
    scanAnswer,
    screenshot,
} from "@serial_tracking_barcode/../tests/tours/scan_tour_helpers";

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
        ...scanAnswer("TOUR-HELD", feedback("order", "danger", "already on order"), "A unit of another quotation: refused, with why"),
        ...scanAnswer("TOUR-1", feedback("order", "success", "TOUR-1"), "It is a line of the order, with its serial"),
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

addScanTours(orderSteps, {
    serial_tracking_sale_scan_tour: "sell_desktop",
    serial_tracking_sale_scan_phone_tour: "sell_phone",
});
