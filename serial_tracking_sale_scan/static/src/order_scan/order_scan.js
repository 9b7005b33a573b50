import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useSetupAction } from "@web/search/action_hook";
import { ScanScreen } from "@serial_tracking_barcode/scan/scan_screen";

/**
 * "Scan to Order" screen (client action `serial_tracking_sale_scan.order_scan`), on the
 * scan engine's shared screen parts: first the customer (a scanned customer code, or a
 * name typed and chosen), then unit labels, each one a line of the quotation at the
 * customer's price (`sale.order.action_scan_unit`, which decides everything); Confirm.
 */
export class OrderScan extends ScanScreen {
    static template = "serial_tracking_sale_scan.OrderScan";
    static recordParam = "order_id";
    static queueKey = "serial_tracking_sale_scan.order_queue";
    static onceMethods = [...ScanScreen.onceMethods, "onChooseCustomer", "onConfirm"];

    setup() {
        super.setup();
        // The quotation started here comes back with the screen: from the URL on a
        // reload (`resId`), from the breadcrumbs after "Open order" (`props.state`).
        const { state: saved, resId } = this.props;
        this.state = useState({
            orderId: this.recordId || saved?.orderId || resId || false,
            order: null,
            customers: [],
            lastLineId: false,
        });
        useSetupAction({ getLocalState: () => ({ orderId: this.state.orderId }) });
        this.texts = {
            customer: _t("Scan or type the customer"),
            unit: _t("Scan or type a unit's serial"),
            empty: _t("Scan unit labels: each one is a line of the quotation."),
        };
    }

    async load() {
        if (this.state.orderId) {
            this.state.order = await this.orm.call("sale.order", "scan_order_state", [
                [this.state.orderId],
            ]);
        }
    }

    get isDone() {
        return Boolean(this.state.order) && !["draft", "sent"].includes(this.state.order.state);
    }

    get subtitle() {
        const { partner, amount } = this.state.order;
        return _t("%(partner)s · Total %(amount)s", { partner, amount });
    }

    /** Before an order exists, a scan names the customer; then units. */
    sendScan(item) {
        if (!this.state.orderId) {
            return this.findCustomer(item.code);
        }
        return this.orm.silent.call("sale.order", "action_scan_unit", [
            [this.state.orderId],
            item.code,
            item.scanUid,
        ]);
    }

    async findCustomer(code) {
        const found = await this.orm.silent.call("sale.order", "scan_find_customer", [code]);
        if (found.status === "ok") {
            await this.startOrder(found.partner_id);
            return { status: "ok", message: _t("New quotation for %s", found.name) };
        }
        this.state.customers = await this.orm.searchRead(
            "res.partner",
            [["name", "ilike", code]],
            ["display_name"],
            { limit: 8 }
        );
        if (this.state.customers.length) {
            return { status: "ok", message: _t("Choose the customer") };
        }
        return found;
    }

    async startOrder(partnerId) {
        this.state.orderId = await this.orm.call("sale.order", "scan_create_order", [
            partnerId,
        ]);
        this.state.customers = [];
        this.props.updateActionState?.({ resId: this.state.orderId }); // in the URL
        await this.load();
    }

    async onChooseCustomer(customer) {
        await this.startOrder(customer.id);
        this.session.setFeedback("success", _t("New quotation for %s", customer.display_name));
        this.session.resume();
    }

    onScanResult(result) {
        if (result.status !== "ok" || !this.state.order) {
            return;
        }
        // The changed line's card, with the scanned serial to add to its serials.
        for (const { serial, ...updated } of result.lines || []) {
            let line = this.state.order.lines.find((line) => line.id === updated.id);
            if (line) {
                Object.assign(line, { ...updated, product: line.product });
            } else {
                line = { ...updated, serials: [] };
                this.state.order.lines.push(line);
            }
            if (serial && !line.serials.includes(serial)) {
                line.serials.push(serial);
            }
            this.state.lastLineId = updated.id;
        }
        if (result.amount) {
            this.state.order.amount = result.amount;
        }
    }

    async onUnscan(serial) {
        this.session.pause();
        if (!this.session.ensureIdle()) {
            return;
        }
        this.state.order = await this.orm.call("sale.order", "action_remove_scan_unit", [
            [this.state.orderId],
            false,
            serial,
        ]);
        this.session.setFeedback("info", _t("%s was taken off the order: it is free again.", serial));
    }

    async onConfirm() {
        if (!this.session.ensureIdle()) {
            return;
        }
        await this.orm.call("sale.order", "action_confirm", [[this.state.orderId]]);
        await this.load();
        this.session.setFeedback(
            "success",
            _t("Confirmed: the delivery reserves the scanned units.")
        );
    }

    onOpenOrder() {
        this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "sale.order",
            res_id: this.state.orderId,
            views: [[false, "form"]],
        });
    }
}

registry.category("actions").add("serial_tracking_sale_scan.order_scan", OrderScan);
