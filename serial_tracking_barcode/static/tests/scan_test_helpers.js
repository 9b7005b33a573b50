import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { beforeEach, describe, expect } from "@odoo/hoot";
import { animationFrame, click, waitFor } from "@odoo/hoot-dom";
import {
    defineActions,
    getService,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { WebClient } from "@web/webclient/webclient";
import { scanSound } from "@serial_tracking_barcode/scan/scan_session";

/**
 * Shared set-up of the scan screens' Hoot suites (dispatch, receive, transfer, count,
 * sell): a desktop suite with the mail models, and the screens' client actions; before
 * each test, no scan saved by an earlier one (the queue's local storage).
 *
 * @param {Object[]} actions `{id, name, tag, params?, context?}` of each client action
 * @param {Object} [options]
 * @param {boolean} [options.errorSound] every error sound is the step "error sound"
 */
export function defineScanActions(actions, { errorSound = false } = {}) {
    describe.current.tags("desktop");
    defineMailModels();
    defineActions(
        actions.map((action) => ({
            type: "ir.actions.client",
            params: {},
            context: {},
            ...action,
        }))
    );
    beforeEach(() => {
        localStorage.clear();
        if (errorSound) {
            stepErrorSound();
        }
    });
}

/**
 * Stubs the scan method `method` of `model` (arguments `[[recordId], code, scanUid,
 * override]`): each call is the step `scan <code>` (`override <code>` with an override)
 * and carries a scan key; it answers `answer(code, override)`.
 */
export function onScanRpc(model, method, recordId, answer) {
    onRpc(model, method, ({ args }) => {
        const [ids, code, scanUid, override] = args;
        expect.step(override ? `override ${code}` : `scan ${code}`);
        expect(ids).toEqual([recordId]);
        expect(scanUid.length).toBeGreaterThan(8);
        return answer(code, override);
    });
}

/** Opens client action `actionId` in a web client and waits for `selector`. */
export async function openScanAction(actionId, selector) {
    await mountWithCleanup(WebClient);
    await getService("action").doAction(actionId);
    await waitFor(selector);
}

/**
 * The screen's "close" answer (Odoo's backorder wizard closing, or nothing left to do)
 * becomes the step `step` instead of closing the screen.
 */
export function stepWindowClose(step) {
    patchWithCleanup(getService("action"), {
        doAction(action, options) {
            if (action?.type === "ir.actions.act_window_close") {
                expect.step(step);
                return;
            }
            return super.doAction(action, options);
        },
    });
}

/**
 * Clicks the open screen's back button (`<prefix>_back`) with no screen to go back
 * to, and expects the screen's own list: action `xmlId`.
 */
export async function expectBackTo(prefix, xmlId) {
    patchWithCleanup(getService("action"), {
        doAction(action, options) {
            if (typeof action === "string") {
                expect.step(`back to ${action}`);
                return;
            }
            return super.doAction(action, options);
        },
    });
    await click(`.${prefix}_back`);
    await animationFrame();
    expect.verifySteps([`back to ${xmlId}`]);
}

/** Every error sound of the scan screens becomes the step "error sound". */
export function stepErrorSound() {
    patchWithCleanup(scanSound, {
        play() {
            expect.step("error sound");
        },
    });
}

/** A scan from a keyboard-wedge scanner, through Odoo's `barcode` service. */
export function scanWithScanner(barcode) {
    getService("barcode").bus.trigger("barcode_scanned", { barcode, target: document.body });
}
