import { describe, expect, it } from "vitest";
import { simulateSequential } from "../../../bench/sequential.js";
import { ConfigError } from "../../../src/errors.js";
import { createSequentialComparison } from "../../../src/sampling/sequential-plan.js";

describe("createSequentialComparison", () => {
  it("hands out every row once, in batches, in a seeded random order", () => {
    const cmp = createSequentialComparison({ delta: 0.05, batchSize: 7, horizon: 50, items: 30, seed: 4 });
    const seen: number[] = [];
    for (let b = cmp.nextBatch(); b.length > 0; b = cmp.nextBatch()) {
      expect(b.length).toBeLessThanOrEqual(7);
      seen.push(...b);
      cmp.add(b.map(() => 0.5 - (seen.length % 2)));
    }
    expect(seen.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(cmp.state().done).toBe(true);
  });

  it("reports the mean difference and a CS on the difference scale", () => {
    const cmp = createSequentialComparison({ delta: 0.05, batchSize: 4, horizon: 100 });
    expect(cmp.state()).toMatchObject({ t: 0, estimate: null, cs: { lo: -1, hi: 1 }, decision: "undecided" });
    const s = cmp.add([0.5, 0, null, 0.25]);
    expect(s.t).toBe(3);
    expect(s.missing).toBe(1);
    expect(s.estimate).toBeCloseTo(0.25, 12);
    expect(s.cs.lo).toBeLessThan(0.25);
    expect(s.cs.hi).toBeGreaterThan(0.25);
  });

  it("decides A better on consistently positive differences and then stays decided", () => {
    const cmp = createSequentialComparison({ delta: 0.05, batchSize: 20, horizon: 200 });
    let s = cmp.state();
    while (!s.done) s = cmp.add(Array(20).fill(0.2));
    expect(s.decision).toBe("A better");
    expect(s.t).toBeLessThan(200);
    expect(cmp.add(Array(20).fill(-0.2)).decision).toBe("A better");
  });

  it("ends undecided at the budget cap", () => {
    const cmp = createSequentialComparison({ delta: 0, batchSize: 10, horizon: 100, items: 1000, maxItems: 40 });
    let total = 0;
    for (let b = cmp.nextBatch(); b.length > 0; b = cmp.nextBatch()) {
      total += b.length;
      cmp.add(b.map((i) => (i % 2 ? 0.5 : -0.5)));
    }
    expect(total).toBe(40);
    expect(cmp.state()).toMatchObject({ done: true, decision: "undecided", t: 40 });
  });

  it("rejects bad options and differences outside [-1, 1]", () => {
    expect(() => createSequentialComparison({ delta: 0.05, batchSize: 0, horizon: 10 })).toThrow(ConfigError);
    expect(() => createSequentialComparison({ delta: 0.05, batchSize: 5, horizon: 10 }).nextBatch()).toThrow(ConfigError);
    expect(() => createSequentialComparison({ delta: 0.05, batchSize: 5, horizon: 10 }).add([1.5])).toThrow(RangeError);
  });
});

describe("sequential comparison on simulated suites with a known truth", () => {
  // 2,000 items scored 1..7, critic noise 1 level SD; alpha 0.05, equivalence margin 0.25 levels.
  it("is wrong in at most 5% of 50 suites per truth and stops at a median <= 40% of calls", () => {
    for (const trueDiff of [0.3, 0]) {
      const r = simulateSequential({ suites: 50, trueDiff });
      expect(r.wrongRate, `truth ${trueDiff}`).toBeLessThanOrEqual(0.05);
      expect(r.medianCallFraction, `truth ${trueDiff}`).toBeLessThanOrEqual(0.4);
      const expected = trueDiff > 0 ? "A better" : "equivalent within delta";
      expect(r.decisions.filter((d) => d === expected).length).toBeGreaterThanOrEqual(45);
    }
  });

  it("never decides with the normal mixture, whose sub-Gaussian bound ignores the small variance", () => {
    const r = simulateSequential({ suites: 5, trueDiff: 0.3, method: "normal-mixture" });
    expect(r.wrongRate).toBe(0);
    expect(r.medianCallFraction).toBeGreaterThan(0.4);
  });
});
