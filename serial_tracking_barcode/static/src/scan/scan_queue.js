import { browser } from "@web/core/browser/browser";
import { ConnectionLostError } from "@web/core/network/rpc";
import { uuid } from "@web/core/utils/strings";

/** Delays (ms) between retries of a scan that could not reach the server. */
export const RETRY_DELAYS = [500, 1000, 2000, 4000, 8000];

/**
 * Ordered queue of scans waiting for the server, kept in localStorage so that neither a
 * dropped connection nor a page reload loses a scan.
 *
 * Each scan gets a unique `scanUid` once, when it is queued; every retry sends the same key,
 * and the server applies a key at most once (a retry of an applied scan returns its original
 * outcome), so a scan is never lost and never doubled.
 */
export class ScanQueue {
    /**
     * @param {Object} params
     * @param {(item: {code: string, scanUid: string}) => Promise<Object>} params.send
     * @param {(result: Object, item: Object) => void} params.onResult
     * @param {(error: Error, item: Object) => void} params.onError non-network failure
     * @param {() => void} [params.onChange] queue length or online state changed
     * @param {string} [params.storageKey]
     */
    constructor({ send, onResult, onError, onChange = () => {}, storageKey = "" }) {
        this.send = send;
        this.onResult = onResult;
        this.onError = onError;
        this.onChange = onChange;
        this.storageKey = storageKey;
        this.items = [];
        this.offline = false;
        this.running = false;
        this.stopped = false;
        this.load();
    }

    static newScanUid() {
        return `${uuid()}${uuid()}`;
    }

    load() {
        if (!this.storageKey) {
            return;
        }
        try {
            const saved = JSON.parse(browser.localStorage.getItem(this.storageKey) || "[]");
            this.items = Array.isArray(saved) ? saved.filter((i) => i.code && i.scanUid) : [];
        } catch {
            this.items = [];
        }
    }

    save() {
        if (!this.storageKey) {
            return;
        }
        if (this.items.length) {
            browser.localStorage.setItem(this.storageKey, JSON.stringify(this.items));
        } else {
            browser.localStorage.removeItem(this.storageKey);
        }
    }

    get pending() {
        return this.items.length;
    }

    /** Queue a scan and start sending. Returns the queued item. */
    push(code) {
        const item = { code, scanUid: ScanQueue.newScanUid() };
        this.items.push(item);
        this.save();
        this.onChange();
        this.flush();
        return item;
    }

    stop() {
        this.stopped = true;
    }

    wait(ms) {
        return new Promise((resolve) => browser.setTimeout(resolve, ms));
    }

    /** Send queued scans one after the other, retrying on network failures only. */
    async flush() {
        if (this.running || this.stopped) {
            return;
        }
        this.running = true;
        let attempt = 0;
        try {
            while (this.items.length && !this.stopped) {
                const item = this.items[0];
                let result;
                try {
                    result = await this.send(item);
                } catch (error) {
                    if (error instanceof ConnectionLostError) {
                        this.offline = true;
                        this.onChange();
                        await this.wait(RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)]);
                        attempt++;
                        continue;
                    }
                    this.items.shift();
                    this.save();
                    this.onError(error, item);
                    continue;
                }
                attempt = 0;
                this.offline = false;
                this.items.shift();
                this.save();
                this.onResult(result, item);
            }
        } finally {
            this.running = false;
            this.onChange();
        }
    }
}
