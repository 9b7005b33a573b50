/* Steps every scan screen tour uses (not a tour itself). */

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
