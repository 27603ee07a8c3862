import { describe, expect, it } from "vitest";
import { createProgress } from "../../../src/cli/progress.js";

describe("the progress line", () => {
  it("shows failed, abstained and retried counts, zeros included", () => {
    const out: string[] = [];
    let t = 0;
    const p = createProgress((s) => out.push(s), { tty: false, everyMs: 1, now: () => t });
    p.onEvent({ type: "started", run: "r", total: 4, alreadyDone: 0 });
    t = 10;
    p.onEvent({ type: "judged", done: 1, total: 4, cached: false, costUsd: 0.001 });
    expect(out.at(-1)).toMatch(/1\/4 judged.*\(0 failed, 0 abstained, 0 retried\)/);
    p.onEvent({ type: "retried", target: "c", attempt: 0, delayMs: 5, reason: "500" });
    p.onEvent({ type: "abstained", critic: "c", reason: "parse_failure" });
    t = 20;
    p.onEvent({ type: "judged", done: 2, total: 4, cached: false, costUsd: 0.001 });
    t = 30;
    p.onEvent({ type: "judged", done: 3, total: 4, cached: false, costUsd: null, failed: true });
    expect(out.at(-1)).toMatch(/3\/4 judged.*\(1 failed, 1 abstained, 1 retried\)/);
  });
});
