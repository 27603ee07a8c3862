import { describe, expect, it } from "vitest";
import { batchCost } from "../../../src/runner/batch.js";

const reply = (inputTokens: number | null, outputTokens: number | null) => ({ text: "5", inputTokens, outputTokens, latencyMs: 0 });

describe("batchCost", () => {
  it("is half the list price", () => {
    // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
    expect(batchCost("gpt-4o-mini", reply(1_000_000, 1_000_000))).toBeCloseTo(0.375, 12);
    expect(batchCost("custom", reply(2_000_000, 0), { custom: { input: 1, output: 3 } })).toBeCloseTo(1, 12);
  });

  it("is unknown (null), never 0, without a price or token counts", () => {
    expect(batchCost("no-such-model", reply(10, 10))).toBeNull();
    expect(batchCost("gpt-4o-mini", reply(null, 10))).toBeNull();
  });
});
