import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, expect, test } from "@odoo/hoot";
import { queryAllTexts } from "@odoo/hoot-dom";
import {
    contains,
    defineModels,
    fields,
    models,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";

// What the server method serial_scheme_next_preview answers for the scheme product.
const PREVIEW = "PMP-WH2612-0000427K";

class StockMove extends models.Model {
    _name = "stock.move";

    product_id = fields.Many2one({ relation: "product.product" });
    company_id = fields.Many2one({ relation: "res.company" });
    location_id = fields.Many2one({ relation: "stock.location" });
    location_dest_id = fields.Many2one({ relation: "stock.location" });
    has_tracking = fields.Selection({
        selection: [
            ["serial", "By Unique Serial Number"],
            ["lot", "By Lots"],
            ["none", "No tracking"],
        ],
    });
    product_uom = fields.Many2one({ relation: "uom.uom" });
    product_uom_qty = fields.Float();
    product_qty = fields.Float();
    quantity = fields.Float();
    move_line_ids = fields.One2many({ relation: "stock.move.line", relation_field: "move_id" });

    _records = [
        // 1: product with a serial scheme, 2: without, 3: tracked by lots
        ...[
            [1, 1, "serial"],
            [2, 2, "serial"],
            [3, 3, "lot"],
        ].map(([id, productId, tracking]) => ({
            id,
            product_id: productId,
            company_id: 1,
            location_id: 1,
            location_dest_id: 2,
            has_tracking: tracking,
            product_uom: 1,
            product_uom_qty: 3,
            product_qty: 3,
            quantity: 0,
            move_line_ids: [],
        })),
    ];
}

class StockMoveLine extends models.Model {
    _name = "stock.move.line";

    move_id = fields.Many2one({ relation: "stock.move" });
    lot_name = fields.Char();
    quantity = fields.Float();
}

class ProductProduct extends models.Model {
    _name = "product.product";

    name = fields.Char();
    lot_sequence_id = fields.Many2one({ relation: "ir.sequence" });

    _records = [
        { id: 1, name: "Pump", lot_sequence_id: 7 },
        { id: 2, name: "Valve", lot_sequence_id: 7 },
        { id: 3, name: "Oil", lot_sequence_id: 7 },
    ];
}

class IrSequence extends models.Model {
    _name = "ir.sequence";

    name = fields.Char();
    number_next_actual = fields.Integer();

    _records = [{ id: 7, name: "Serial Numbers", number_next_actual: 42 }];
}

class UomUom extends models.Model {
    _name = "uom.uom";

    name = fields.Char();

    _records = [{ id: 1, name: "Units" }];
}

class StockLocation extends models.Model {
    _name = "stock.location";

    name = fields.Char();

    _records = [
        { id: 1, name: "Vendors" },
        { id: 2, name: "WH/Stock" },
    ];
}

defineMailModels();
defineModels([StockMove, StockMoveLine, ProductProduct, IrSequence, UomUom, StockLocation]);

const arch = `
    <form>
        <field name="product_id"/>
        <field name="company_id" invisible="1"/>
        <field name="location_id" invisible="1"/>
        <field name="location_dest_id" invisible="1"/>
        <field name="has_tracking" invisible="1"/>
        <field name="product_uom" invisible="1"/>
        <field name="product_uom_qty" invisible="1"/>
        <field name="product_qty" invisible="1"/>
        <field name="quantity" invisible="1"/>
        <widget name="generate_serials"/>
        <field name="move_line_ids">
            <list editable="bottom">
                <field name="lot_name"/>
                <field name="quantity"/>
            </list>
        </field>
    </form>`;

beforeEach(() => {
    onRpc("product.product", "serial_scheme_next_preview", ({ args, kwargs }) => {
        const [productId] = args[0];
        expect.step(
            `preview product ${productId} location ${kwargs.location_id} company ${kwargs.company_id}`
        );
        return productId === 1 ? PREVIEW : false;
    });
    onRpc("ir.sequence", "next_by_id", ({ args }) => {
        expect.step(`next_by_id ${args[0]}`);
        return "0000042";
    });
    onRpc("stock.move", "action_generate_lot_line_vals", ({ args }) => {
        const [, mode, firstLot, count] = args;
        expect.step(`${mode} first SN "${firstLot}" count ${count}`);
        const names = firstLot ? [firstLot, `${firstLot}+1`, `${firstLot}+2`] : ["S1", "S2", "S3"];
        return names.slice(0, count).map((name) => ({ lot_name: name, quantity: 1 }));
    });
});

async function openDialog(resId) {
    await mountView({ type: "form", resModel: "stock.move", resId, arch });
    await contains("button:contains(Generate Serials/Lots)").click();
}

const clickNew = () => contains(".modal button:contains(New)").click();
const clickGenerate = () => contains(".modal-footer button:contains(Generate)").click();

test("scheme product: New proposes the scheme's next serial, Generate draws from the scheme", async () => {
    await openDialog(1);
    await clickNew();
    // The preview, not the product's lot sequence (which Odoo's New would consume).
    expect(".modal #next_serial_0").toHaveValue(PREVIEW);
    expect(".modal [name=serial_scheme_hint]").toHaveCount(1);
    expect.verifySteps(["preview product 1 location 2 company 1"]);
    await clickGenerate();
    // The proposal left as is: an empty first serial, the server draws from the scheme.
    expect.verifySteps(['generate first SN "" count 3']);
    expect(".modal").toHaveCount(0);
    expect(queryAllTexts(".o_field_widget[name=move_line_ids] td[name=lot_name]")).toEqual([
        "S1",
        "S2",
        "S3",
    ]);
});

test("scheme product: an edited first serial is sent as typed", async () => {
    await openDialog(1);
    await clickNew();
    await contains(".modal #next_serial_0").edit("MY-001", { confirm: false });
    await clickGenerate();
    expect.verifySteps([
        "preview product 1 location 2 company 1",
        'generate first SN "MY-001" count 3',
    ]);
});

test("product without scheme: Odoo's New and Generate", async () => {
    await openDialog(2);
    await clickNew();
    expect(".modal #next_serial_0").toHaveValue("0000042");
    expect(".modal [name=serial_scheme_hint]").toHaveCount(0);
    await clickGenerate();
    expect.verifySteps([
        "preview product 2 location 2 company 1",
        "next_by_id 7",
        'generate first SN "0000042" count 3',
    ]);
});

test("product tracked by lots: Odoo's New, no preview asked", async () => {
    await openDialog(3);
    await clickNew();
    expect(".modal #next_serial_0").toHaveValue("0000042");
    expect.verifySteps(["next_by_id 7"]);
});
