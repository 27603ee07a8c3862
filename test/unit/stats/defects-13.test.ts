// Smaller defects of issue 13, each pinned by a test that failed before its fix.
import { describe, expect, it } from "vitest";
import { cohenKappa } from "../../../src/stats/agreement.js";
import { bootstrapPairedDiff, bradleyTerryBootstrap } from "../../../src/stats/bootstrap.js";
import { meanCi, pairedDiff } from "../../../src/stats/intervals.js";
import { itemWins } from "../../../src/stats/pairwise.js";
import { createRng } from "../../../src/stats/rng.js";

describe("a field named ci95 holds the 95% interval", () => {
  const xs = [3, 4, 5, 6, 4, 5, 7, 2];
  it("meanCi and pairedDiff: ci95 stays 95% when another level is asked for, which goes to ci", () => {
    const at95 = meanCi(xs)!;
    const at80 = meanCi(xs, { level: 0.8 })!;
    expect(at80.ci95).toEqual(at95.ci95);
    expect(at80.level).toBe(0.8);
    expect(at80.ci[1] - at80.ci[0]).toBeLessThan(at95.ci95[1] - at95.ci95[0]);
    expect(pairedDiff(xs, xs.map((x) => x - 1), { level: 0.5 })!.ci95).toEqual(pairedDiff(xs, xs.map((x) => x - 1))!.ci95);
  });

  it("bootstrapPairedDiff: the same promise", () => {
    const b = xs.map((x, i) => x - (i % 3));
    const d = bootstrapPairedDiff(xs, b, { rng: createRng(1), level: 0.5 })!;
    expect(d.level).toBe(0.5);
    expect(d.ci[1] - d.ci[0]).toBeLessThan(d.ci95[1] - d.ci95[0]);
  });
});

describe("weighted kappa with a level nobody used", () => {
  it("measures distance in scale points, so an unused level does not shrink the gaps", () => {
    const a = [1, 2, 4, 4, 1, 2];
    const b = [2, 2, 4, 1, 1, 4];
    const seen = cohenKappa(a, b, { weights: "quadratic" });
    const full = cohenKappa(a, b, { weights: "quadratic", levels: [1, 2, 3, 4] });
    expect(seen).toBeCloseTo(full!, 12);
  });
});

describe("Bradley-Terry bootstrap", () => {
  it("keeps the point fit's prior in every replicate, and reports a bound no replicate produced as unbounded", () => {
    // Three candidates; C meets the others on one item only, so many resamples cut it off.
    const scores = [
      [5, 4, null],
      [6, 3, null],
      [4, 5, null],
      [5, 3, null],
      [null, 4, 6],
    ];
    const w = itemWins(scores);
    const r = bradleyTerryBootstrap(w, { rng: createRng(3), rounds: 200 });
    expect(r.prior).toBe(1);
    for (let i = 0; i < 3; i++) {
      expect(r.lo[i]).toBeLessThanOrEqual(r.theta[i]!);
      expect(r.hi[i]).toBeGreaterThanOrEqual(r.theta[i]!);
    }
  });
});
