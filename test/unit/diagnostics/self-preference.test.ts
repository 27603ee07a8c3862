import { describe, expect, it } from "vitest";
import { selfPreferenceCoverage } from "../../../bench/diagnostics.js";
import { modelFamily, selfPreference } from "../../../src/diagnostics/self-preference.js";

describe("self-preference", () => {
  it("is the within-item difference of the critic's excess over the reference critics", () => {
    // Item 0: own output +1 over the reference, other output +0 -> 1; item 1: own +2, other +1 -> 1; the critic's +1 leniency cancels.
    const est = selfPreference([
      { item: 0, own: true, level: 5, reference: [4] },
      { item: 0, own: false, level: 3, reference: [3] },
      { item: 1, own: true, level: 6, reference: [4] },
      { item: 1, own: false, level: 4, reference: [3, null] },
      { item: 2, own: false, level: 4, reference: [3] }, // no own output on this item: left out
    ]);
    expect(est.bonus).toBeCloseTo(1, 12);
    expect(est.items).toBe(2);
  });

  it("cannot be measured without an item carrying both kinds of output", () => {
    expect(selfPreference([{ item: 0, own: true, level: 5, reference: [4] }]).bonus).toBeNull();
  });

  it("reads model families from names", () => {
    expect(modelFamily("gpt-4o-mini")).toBe("openai");
    expect(modelFamily("o3-mini")).toBe("openai");
    expect(modelFamily("claude-3-5-haiku-latest")).toBe("anthropic");
    expect(modelFamily("meta-llama/Llama-3.1-8B-Instruct")).toBe("meta");
    expect(modelFamily("Qwen/Qwen2.5-7B-Instruct")).toBe("qwen");
    expect(modelFamily("gemini-1.5-pro")).toBe("google");
    expect(modelFamily("sim-critic-strong")).toBeNull();
  });

  it("covers a planted bonus, and zero when none is planted, in about 95% of seeds", () => {
    const c = selfPreferenceCoverage(150, 120);
    expect(c.coverage).toBeGreaterThan(0.88);
    expect(c.nullCoverage).toBeGreaterThan(0.88);
    expect(Math.abs(c.mean - 0.7)).toBeLessThan(0.1);
  });
});
