import { onMounted, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useBus, useService } from "@web/core/utils/hooks";
import { url } from "@web/core/utils/urls";
import { ScanQueue } from "./scan_queue";

let errorSound;

/**
 * Odoo's barcode error sound (the `barcodes` addon's), played on every refused scan of
 * every scan screen; silent before a user gesture. An object, so that tests can patch
 * `scanSound.play` (`patchWithCleanup(scanSound, {...})`).
 */
export const scanSound = {
    play() {
        if (!errorSound) {
            const ext = new Audio().canPlayType("audio/ogg") ? "ogg" : "mp3";
            errorSound = new Audio(url(`/barcodes/static/src/audio/error.${ext}`));
        }
        errorSound.currentTime = 0;
        // Browsers refuse to play before a user gesture: the colour and message remain.
        errorSound.play()?.catch?.(() => {});
    },
};

/**
 * The scanning part every scan screen shares (dispatch, receive, transfer...).
 *
 * Codes come from Odoo's `barcode` service (keyboard-wedge scanners), the camera
 * (`ScanEntry`) and the manual entry field; each one is queued in a persistent
 * {@link ScanQueue} (one scan key per scan, kept across reloads and retried offline)
 * and sent with `send(item)`. The server's answer `{status, message, ...}` is shown
 * in `session.state.feedback` (green / red with the error sound) and handed to
 * `onResult`.
 *
 * @param {Object} params
 * @param {(item: {code: string, scanUid: string}) => Promise<Object>} params.send
 * @param {(result: Object, item: Object) => void} [params.onResult]
 * @param {string} params.storageKey localStorage key of the queue (one per operation)
 * @param {() => boolean} [params.isActive] scanner scans are ignored when false
 * @returns {{state, queue, pause, resume, enqueue, setFeedback, ensureIdle}}
 *   `state`: reactive `{scanning, feedback: {type, message}, pending, offline}`.
 */
export function useScanSession({
    send,
    onResult = () => {},
    storageKey,
    isActive = () => true,
}) {
    const notification = useService("notification");
    const state = useState({
        scanning: true,
        feedback: { type: "info", message: "" },
        pending: 0,
        offline: false,
    });
    const session = {
        state,
        setFeedback(type, message) {
            state.feedback = { type, message };
            if (type === "danger") {
                scanSound.play();
            }
        },
        /** Searching or editing pauses scanning; clicking the prompt resumes it. */
        pause() {
            state.scanning = false;
        },
        resume() {
            if (document.activeElement && document.activeElement !== document.body) {
                document.activeElement.blur();
            }
            state.scanning = true;
        },
        enqueue(code) {
            code = (code || "").trim();
            if (!code) {
                return;
            }
            state.feedback = { type: "info", message: _t("Checking %s…", code) };
            session.queue.push(code);
        },
        /** False (with a notification) while scans are still being sent. */
        ensureIdle() {
            if (session.queue.pending) {
                notification.add(_t("Some scans are still being sent, please wait."), {
                    type: "warning",
                });
                return false;
            }
            return true;
        },
    };
    session.queue = new ScanQueue({
        send,
        onResult: (result, item) => {
            session.setFeedback(result.status === "ok" ? "success" : "danger", result.message);
            onResult(result, item);
        },
        onError: (error, item) => {
            const message = error.data?.message || error.message || String(error);
            session.setFeedback(
                "danger",
                _t("%(code)s: %(message)s", { code: item.code, message })
            );
        },
        onChange: () => {
            state.pending = session.queue.pending;
            state.offline = session.queue.offline;
        },
        storageKey,
    });
    state.pending = session.queue.pending;
    const barcode = useService("barcode");
    useBus(barcode.bus, "barcode_scanned", (ev) => {
        if (state.scanning && isActive()) {
            session.enqueue(ev.detail.barcode);
        }
    });
    onMounted(() => session.queue.flush()); // scans left over from a dropped session
    onWillUnmount(() => session.queue.stop());
    return session;
}
