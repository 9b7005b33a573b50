import { expect, test } from "@odoo/hoot";
import { queryAllTexts } from "@odoo/hoot-dom";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { defineModels, fields, models, mountView } from "@web/../tests/web_test_helpers";

class Unit extends models.Model {
    _name = "unit";

    name = fields.Char();
    event_ids = fields.One2many({ relation: "serial.event", relation_field: "lot_id" });

    _records = [
        { id: 1, name: "SN-1", event_ids: [11, 12, 13] },
        { id: 2, name: "SN-2", event_ids: [] },
    ];
}

class SerialEvent extends models.Model {
    _name = "serial.event";

    lot_id = fields.Many2one({ relation: "unit" });
    event_type = fields.Selection({
        selection: [
            ["received", "Received"],
            ["delivered", "Delivered"],
            ["recalled", "Recalled"],
        ],
    });
    date = fields.Datetime();
    location_id = fields.Many2one({ relation: "place" });
    location_dest_id = fields.Many2one({ relation: "place" });
    partner_id = fields.Many2one({ relation: "place" });
    reference = fields.Char();
    description = fields.Text();

    _records = [
        {
            id: 13,
            lot_id: 1,
            event_type: "recalled",
            date: "2026-03-01 10:00:00",
            description: "Battery recall R-12",
        },
        {
            id: 12,
            lot_id: 1,
            event_type: "delivered",
            date: "2026-02-01 10:00:00",
            location_id: 1,
            location_dest_id: 2,
            partner_id: 3,
            reference: "WH/OUT/00007",
        },
        {
            id: 11,
            lot_id: 1,
            event_type: "received",
            date: "2026-01-01 10:00:00",
            location_id: 4,
            location_dest_id: 1,
            reference: "WH/IN/00002",
        },
    ];
}

class Place extends models.Model {
    _name = "place";

    name = fields.Char();

    _records = [
        { id: 1, name: "WH/Stock" },
        { id: 2, name: "Customers" },
        { id: 3, name: "Northwind Clinics" },
        { id: 4, name: "Vendors" },
    ];
}

defineMailModels();
defineModels([Unit, SerialEvent, Place]);

const arch = `
    <form>
        <field name="name"/>
        <field name="event_ids" widget="serial_timeline">
            <list>
                <field name="date"/>
                <field name="event_type"/>
                <field name="location_id"/>
                <field name="location_dest_id"/>
                <field name="partner_id"/>
                <field name="reference"/>
                <field name="description"/>
            </list>
        </field>
    </form>`;

test("shows every event with its label, places, partner and document", async () => {
    await mountView({ type: "form", resModel: "unit", resId: 1, arch });
    expect(".o_serial_timeline_event").toHaveCount(3);
    expect(queryAllTexts(".o_serial_timeline_label")).toEqual([
        "Recalled",
        "Delivered",
        "Received",
    ]);
    expect(".o_serial_timeline_delivered .o_serial_timeline_places").toHaveText(
        "WH/Stock → Customers"
    );
    expect(".o_serial_timeline_delivered .o_serial_timeline_partner").toHaveText(
        "Northwind Clinics"
    );
    expect(".o_serial_timeline_received .o_serial_timeline_reference").toHaveText("WH/IN/00002");
    expect(".o_serial_timeline_recalled .o_serial_timeline_description").toHaveText(
        "Battery recall R-12"
    );
});

test("flags quality events", async () => {
    await mountView({ type: "form", resModel: "unit", resId: 1, arch });
    expect(".o_serial_timeline_recalled .o_serial_timeline_icon").toHaveClass("text-danger");
    expect(".o_serial_timeline_received .o_serial_timeline_icon").toHaveClass("text-primary");
});

test("says so when a unit has no event yet", async () => {
    await mountView({ type: "form", resModel: "unit", resId: 2, arch });
    expect(".o_serial_timeline_event").toHaveCount(0);
    expect(".o_serial_timeline").toHaveText("No event recorded for this unit yet.");
});
