import { useState } from "@odoo/owl";
import { GenerateDialog } from "@stock/widgets/generate_serial";
import { patch } from "@web/core/utils/patch";

/**
 * Odoo's "Generate Serials" dialog, for serial products with a serial scheme:
 * - "New" shows the scheme's next serial, read without drawing from its counter
 *   (Odoo's own "New" consumes the product's lot sequence);
 * - "Generate" with that proposal left as is sends an empty first serial, so the server
 *   draws every serial from the scheme (check characters included). The first one is
 *   the proposal unless someone generated serials of the scheme in the meantime.
 * An edited first serial, lots and products without scheme keep Odoo's behaviour.
 */
patch(GenerateDialog.prototype, {
    setup() {
        super.setup(...arguments);
        this.serialScheme = useState({ preview: false });
    },

    async _onGenerateCustomSerial() {
        const move = this.props.move.data;
        this.serialScheme.preview = false;
        if (move.has_tracking === "serial" && move.product_id) {
            const preview = await this.orm.call(
                "product.product",
                "serial_scheme_next_preview",
                [[move.product_id.id]],
                {
                    location_id: move.location_dest_id?.id || false,
                    company_id: move.company_id?.id || false,
                }
            );
            if (preview) {
                this.serialScheme.preview = preview;
                this.nextSerial.el.value = preview;
                return;
            }
        }
        return super._onGenerateCustomSerial(...arguments);
    },

    async _onGenerate() {
        const input = this.nextSerial.el;
        const preview = this.serialScheme.preview;
        if (!preview || !input || input.value !== preview) {
            return super._onGenerate(...arguments);
        }
        // Odoo's dialog reads the field: empty, the server draws from the scheme.
        input.value = "";
        try {
            return await super._onGenerate(...arguments);
        } finally {
            input.value = preview;
        }
    },
});
