import { Component } from "@odoo/owl";
import { formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const ICONS = {
    generated: "fa-magic",
    received: "fa-sign-in",
    moved: "fa-exchange",
    delivered: "fa-truck",
    returned: "fa-undo",
    vendor_return: "fa-reply",
    adjusted: "fa-balance-scale",
    scrapped: "fa-trash",
    consumed: "fa-cogs",
    relabelled: "fa-tag",
    quarantined: "fa-ban",
    released: "fa-check",
    recalled: "fa-exclamation-triangle",
    repair_opened: "fa-wrench",
    repair_received: "fa-inbox",
    repair_done: "fa-check-circle",
    clone_suspected: "fa-clone",
    note: "fa-sticky-note-o",
};
const ALERTS = new Set(["quarantined", "recalled", "scrapped", "clone_suspected"]);

/**
 * A serial unit's timeline (one2many of serial.event) as a vertical list of events,
 * newest first: what happened, when, who did it, from where to where and the document.
 */
export class SerialTimelineField extends Component {
    static template = "serial_tracking.SerialTimelineField";
    static props = { ...standardFieldProps };

    get events() {
        const list = this.props.record.data[this.props.name];
        // newest first, whatever order the records were loaded or added in
        const records = [...list.records].sort(
            (a, b) => (b.data.date?.ts || 0) - (a.data.date?.ts || 0) || b.resId - a.resId
        );
        return records.map((event) => this.describe(event));
    }

    describe(event) {
        const data = event.data;
        const selection = event.fields.event_type.selection || [];
        const label = (selection.find(([value]) => value === data.event_type) || [])[1];
        const places = [data.location_id, data.location_dest_id]
            .filter(Boolean)
            .map((location) => location.display_name);
        return {
            id: event.id,
            type: data.event_type,
            label: label || data.event_type,
            icon: ICONS[data.event_type] || "fa-circle",
            alert: ALERTS.has(data.event_type),
            date: data.date ? formatDateTime(data.date) : "",
            user: data.user_id && data.user_id.display_name,
            places: places.join(" → "),
            partner: data.partner_id && data.partner_id.display_name,
            reference: data.reference || "",
            description: data.description || "",
        };
    }

    get emptyText() {
        return _t("No event recorded for this unit yet.");
    }
}

export const serialTimelineField = {
    component: SerialTimelineField,
    displayName: _t("Serial Unit Timeline"),
    supportedTypes: ["one2many"],
};

registry.category("fields").add("serial_timeline", serialTimelineField);
