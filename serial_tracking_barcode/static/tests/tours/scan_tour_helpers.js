/* Steps every scan screen tour uses (not a tour itself). */

import { registry } from "@web/core/registry";

/**
 * Registers one tour per entry of `shots` (`{tourName: screenshotName}`): the steps
 * `steps(screenshotName)`, e.g. a screen's desktop and phone tours.
 */
export function addScanTours(steps, shots) {
    for (const [name, shot] of Object.entries(shots)) {
        registry.category("web_tour.tours").add(name, { steps: () => steps(shot) });
    }
}

/**
 * A keyboard-wedge scanner: the characters of the code then Enter, as keydown events on
 * the page, picked up by Odoo's `barcode` service.
 */
export function scan(code, trigger = ".o_serial_scan_prompt.o_serial_scan_scanning") {
    return {
        content: `Scan ${code}`,
        trigger,
        run() {
            for (const key of [...code, "Enter"]) {
                document.body.dispatchEvent(
                    new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true })
                );
            }
        },
    };
}

/** The selector of screen `screen`'s feedback of kind `kind` (success, warning, danger,
 * info) saying `text`. */
export function feedback(screen, kind, text) {
    return `.o_serial_${screen}_feedback_${kind}:contains('${text}')`;
}

/** Scan `code`, then wait for `trigger` (the screen's answer), described by `content`. */
export function scanAnswer(code, trigger, content) {
    return [scan(code), { content, trigger }];
}

/** The scan screen `screen` (dispatch, receive, count...) is open and invites to scan. */
export function scanReady(screen) {
    return {
        content: "The screen invites to scan",
        trigger: `.o_serial_${screen}_prompt:contains('Start scanning now!')`,
    };
}

/** Ask the Python test to take a screenshot, and wait until it is taken. */
export function screenshot(name, trigger) {
    return [
        {
            content: `Screenshot ${name}`,
            trigger,
            run() {
                console.log(`serial_dispatch_screenshot:${name}`);
            },
        },
        {
            content: `Screenshot ${name} taken`,
            trigger: `body.o_serial_dispatch_shot_${name}`,
        },
    ];
}
