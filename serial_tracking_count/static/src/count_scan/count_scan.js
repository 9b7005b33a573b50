import { Component, onMounted, onWillStart, useRef, useState } from "@odoo/owl";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * Minimal count screen: scan input, live found / missing / unexpected per product,
 * Apply after confirmation. Every decision is the server's (serial.count).
 * To move onto the scan engine's shared screen parts (issue 10) once they exist.
 */
export class CountScan extends Component {
    static template = "serial_tracking_count.CountScan";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.dialog = useService("dialog");
        this.countId = this.props.action.params?.count_id;
        this.state = useState({ summary: null, feedback: null, code: "" });
        this.input = useRef("input");
        onWillStart(() => this.refresh());
        onMounted(() => this.input.el?.focus());
    }

    async refresh() {
        this.state.summary = await this.orm.call("serial.count", "get_summary", [
            [this.countId],
        ]);
    }

    async onKeydown(ev) {
        if (ev.key === "Enter") {
            await this.scan();
        }
    }

    async scan() {
        const code = this.state.code.trim();
        if (!code) {
            return;
        }
        this.state.code = "";
        this.state.feedback = await this.orm.call("serial.count", "action_scan", [
            [this.countId],
            code,
        ]);
        await this.refresh();
        this.input.el?.focus();
    }

    apply() {
        this.dialog.add(ConfirmationDialog, {
            title: _t("Apply the count"),
            body: _t(
                "Missing units go to inventory loss, unexpected units are moved or counted in here. Apply?"
            ),
            confirm: async () => {
                await this.orm.call("serial.count", "action_apply", [[this.countId]]);
                await this.refresh();
            },
            cancel: () => {},
        });
    }
}

registry.category("actions").add("serial_tracking_count.count_scan", CountScan);
