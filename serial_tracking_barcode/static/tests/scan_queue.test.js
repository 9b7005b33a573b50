import { describe, expect, test } from "@odoo/hoot";
import { advanceTime, animationFrame } from "@odoo/hoot-dom";
import { ConnectionLostError } from "@web/core/network/rpc";
import { ScanQueue } from "@serial_tracking_barcode/scan/scan_queue";

describe.current.tags("desktop");

function makeQueue({ failures = 0, storageKey = "" } = {}) {
    const sent = [];
    const results = [];
    let toFail = failures;
    const queue = new ScanQueue({
        storageKey,
        send: async (item) => {
            sent.push(item.scanUid);
            if (toFail > 0) {
                toFail--;
                throw new ConnectionLostError("/web/dataset/call_kw");
            }
            return { status: "ok", code: item.code };
        },
        onResult: (result) => results.push(result.code),
        onError: (error) => results.push(`error ${error.message}`),
    });
    return { queue, sent, results };
}

test("a scan that could not reach the server is retried with the same key", async () => {
    const { queue, sent, results } = makeQueue({ failures: 2 });
    queue.push("SN-1");
    await animationFrame();
    expect(queue.offline).toBe(true);
    expect(queue.pending).toBe(1);
    await advanceTime(500);
    await advanceTime(1000);
    await animationFrame();
    expect(results).toEqual(["SN-1"]);
    expect(sent).toHaveLength(3);
    expect(new Set(sent).size).toBe(1); // one key for the three attempts
    expect(queue.pending).toBe(0);
    expect(queue.offline).toBe(false);
});

test("scans keep their order and each gets its own key", async () => {
    const { queue, sent, results } = makeQueue({ failures: 1 });
    queue.push("SN-1");
    queue.push("SN-2");
    await animationFrame();
    await advanceTime(500);
    await animationFrame();
    expect(results).toEqual(["SN-1", "SN-2"]);
    expect(new Set(sent).size).toBe(2);
});

test("a server error is reported and not retried", async () => {
    const queue = new ScanQueue({
        send: async () => {
            throw new Error("boom");
        },
        onResult: () => expect.step("result"),
        onError: (error) => expect.step(`error ${error.message}`),
    });
    queue.push("SN-1");
    await animationFrame();
    expect.verifySteps(["error boom"]);
    expect(queue.pending).toBe(0);
});

test("pending scans survive a reload of the page", async () => {
    const storageKey = "serial_tracking_barcode.test_queue";
    localStorage.removeItem(storageKey);
    const first = makeQueue({ failures: 100, storageKey });
    first.queue.push("SN-7");
    await animationFrame();
    first.queue.stop();
    const saved = JSON.parse(localStorage.getItem(storageKey));
    expect(saved.map((item) => item.code)).toEqual(["SN-7"]);
    const second = makeQueue({ storageKey });
    expect(second.queue.pending).toBe(1);
    await second.queue.flush();
    expect(second.results).toEqual(["SN-7"]);
    expect(second.sent).toEqual([saved[0].scanUid]); // the same key as before the reload
    expect(localStorage.getItem(storageKey)).toBe(null);
});
