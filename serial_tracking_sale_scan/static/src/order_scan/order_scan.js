import { Component, onMounted, onWillStart, useRef, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * Minimal "Scan to order" screen: choose or scan the customer, then scan unit
 * labels; each accepted scan is a line of the quotation; Confirm. Every decision
 * is the server's (sale.order.action_scan_unit). To move onto the scan engine's
 * shared screen parts (issue 10) once they exist.
 */
export class OrderScan extends Component {
    static template = "serial_tracking_sale_scan.OrderScan";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({
            orderId: this.props.action.params?.order_id || false,
            order: null,
            lines: [],
            units: [],
            customers: [],
            feedback: null,
            code: "",
        });
        this.input = useRef("input");
        onWillStart(() => this.refresh());
        onMounted(() => this.input.el?.focus());
    }

    async refresh() {
        if (!this.state.orderId) {
            return;
        }
        const [order] = await this.orm.read(
            "sale.order",
            [this.state.orderId],
            ["name", "partner_id", "state", "amount_total", "picking_ids"]
        );
        this.state.order = order;
        this.state.lines = await this.orm.searchRead(
            "sale.order.line",
            [["order_id", "=", this.state.orderId], ["display_type", "=", false]],
            ["product_id", "product_uom_qty", "price_unit", "price_subtotal"]
        );
        this.state.units = await this.orm.searchRead(
            "sale.scan.unit",
            [["order_id", "=", this.state.orderId]],
            ["lot_id", "product_id"]
        );
    }

    async onKeydown(ev) {
        if (ev.key !== "Enter") {
            return;
        }
        const code = this.state.code.trim();
        this.state.code = "";
        if (!code) {
            return;
        }
        if (this.state.orderId) {
            this.state.feedback = await this.orm.call("sale.order", "action_scan_unit", [
                [this.state.orderId],
                code,
            ]);
            await this.refresh();
        } else {
            await this.findCustomer(code);
        }
        this.input.el?.focus();
    }

    async findCustomer(code) {
        const found = await this.orm.call("sale.order", "scan_find_customer", [code]);
        if (found.status === "ok") {
            return this.startOrder(found.partner_id);
        }
        this.state.customers = await this.orm.searchRead(
            "res.partner",
            [["name", "ilike", code]],
            ["display_name"],
            { limit: 8 }
        );
        this.state.feedback = this.state.customers.length
            ? null
            : { status: "error", message: found.message };
    }

    async startOrder(partnerId) {
        this.state.orderId = await this.orm.call("sale.order", "scan_create_order", [
            partnerId,
        ]);
        this.state.customers = [];
        this.state.feedback = null;
        await this.refresh();
        this.input.el?.focus();
    }

    async remove(unit) {
        await this.orm.call("sale.order", "action_remove_scan_unit", [
            [this.state.orderId],
            unit.lot_id[0],
        ]);
        this.state.feedback = { status: "ok", message: _t("Unit removed") };
        await this.refresh();
    }

    async confirm() {
        await this.orm.call("sale.order", "action_confirm", [[this.state.orderId]]);
        await this.refresh();
    }

    openOrder() {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "sale.order",
            res_id: this.state.orderId,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("serial_tracking_sale_scan.order_scan", OrderScan);
