import { describe, expect, it } from "vitest";
import {
  bootstrapIntervals,
  bootstrapPairedDiff,
  bradleyTerryWithIntervals,
  clusterBootstrap,
} from "../../../src/stats/bootstrap.js";
import type { Judgment } from "../../../src/stats/pairwise.js";
import { createRng, type Rng } from "../../../src/stats/rng.js";

/** Pointwise 1..7 scores for candidates of known quality: level = round(4 + q + item difficulty + noise). */
function simulateScores(rng: Rng, quality: number[], items: number, missing = 0): Judgment[][] {
  return Array.from({ length: items }, () => {
    const difficulty = rng.normal() * 0.8;
    return quality.map((q) => {
      if (rng.next() < missing) return null;
      return Math.min(7, Math.max(1, Math.round(4 + q + difficulty + rng.normal())));
    });
  });
}

describe("cluster bootstrap over items", () => {
  it("draws each round's items with replacement and reports multiplicities", () => {
    const seen: number[] = [];
    clusterBootstrap(
      10,
      (sample, counts) => {
        expect(sample.length).toBe(10);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
        for (const i of sample) expect(i).toBeLessThan(10);
        seen.push(new Set(sample).size);
      },
      { rng: createRng(3), rounds: 50 },
    );
    // With replacement, nearly every round repeats some item (P(no repeat) = 10!/10^10).
    expect(seen.filter((s) => s < 10).length).toBeGreaterThan(45);
  });

  it("is reproducible from the seed", () => {
    const xs = [1, 5, 2, 8, 3, 9, 4];
    const stat = (s: Int32Array) => [s.reduce((t, i) => t + xs[i]!, 0) / s.length];
    const a = bootstrapIntervals(xs.length, stat, { rng: createRng("same"), rounds: 200 });
    const b = bootstrapIntervals(xs.length, stat, { rng: createRng("same"), rounds: 200 });
    expect(a).toEqual(b);
    expect(a.lo[0]!).toBeLessThan(a.median[0]!);
    expect(a.median[0]!).toBeLessThan(a.hi[0]!);
  });

  it("leaves failed replicates (null) out of a component", () => {
    const s = bootstrapIntervals(5, (sample) => [sample.includes(0) ? null : 1], { rng: createRng(1), rounds: 100 });
    expect(s.lo[0]).toBe(1);
    const none = bootstrapIntervals(5, () => [null], { rng: createRng(1), rounds: 10 });
    expect(none.lo[0]).toBeNull();
  });
});

describe("paired mean difference with bootstrap intervals", () => {
  it("covers the true difference in 93-97% of 1,000 simulated comparisons", () => {
    const rng = createRng("coverage");
    const truth = 0.3;
    const runs = 1000;
    let covered = 0;
    for (let r = 0; r < runs; r++) {
      const n = 200;
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < n; i++) {
        const item = rng.normal() * 2; // shared item effect: pairing cancels it
        a.push(item + truth + rng.normal());
        b.push(item + rng.normal());
      }
      const d = bootstrapPairedDiff(a, b, { rng, rounds: 400 })!;
      if (d.ci95[0] <= truth && truth <= d.ci95[1]) covered++;
    }
    const coverage = covered / runs;
    console.log(`bootstrap 95% interval coverage of a paired mean difference: ${(coverage * 100).toFixed(1)}% of ${runs} runs`);
    expect(coverage).toBeGreaterThanOrEqual(0.93);
    expect(coverage).toBeLessThanOrEqual(0.97);
  });

  it("uses only items both sides have and is null below two pairs", () => {
    const d = bootstrapPairedDiff([5, 6, null, 7, 6], [4, 6, 2, 5, 5], { rng: createRng(1), rounds: 200 })!;
    expect(d.n).toBe(4);
    expect(d.meanDiff).toBeCloseTo(1, 12);
    expect(d.ci95[0]).toBeLessThanOrEqual(1);
    expect(d.ci95[1]).toBeGreaterThanOrEqual(1);
    expect(bootstrapPairedDiff([1, null], [2, 3], { rng: createRng(1) })).toBeNull();
  });
});

describe("Bradley-Terry with bootstrap intervals from pointwise scores", () => {
  it("recovers the true order of candidates and brackets each estimate", () => {
    const quality = [0.9, -0.6, 0.3, 0, -1.2];
    const scores = simulateScores(createRng("bt-order"), quality, 400, 0.1);
    const r = bradleyTerryWithIntervals(scores, { rng: createRng("bt-boot"), rounds: 300 });
    const byTheta = r.theta.map((_, i) => i).sort((p, q) => r.theta[q]! - r.theta[p]!);
    const byTruth = quality.map((_, i) => i).sort((p, q) => quality[q]! - quality[p]!);
    expect(byTheta).toEqual(byTruth);
    expect(r.rank).toEqual([1, 4, 2, 3, 5]);
    for (let c = 0; c < quality.length; c++) {
      expect(r.lo[c]!).toBeLessThanOrEqual(r.theta[c]!);
      expect(r.hi[c]!).toBeGreaterThanOrEqual(r.theta[c]!);
      expect(r.rankInterval[c]!.best).toBeLessThanOrEqual(r.rank[c]!);
      expect(r.rankInterval[c]!.worst).toBeGreaterThanOrEqual(r.rank[c]!);
    }
    // The best and worst candidates are 2.1 levels apart: their intervals must not overlap.
    expect(r.lo[0]!).toBeGreaterThan(r.hi[4]!);
    expect(r.converged).toBe(true);
    expect(r.winRates.winRate[0]![4]!).toBeGreaterThan(0.8);
  });

  it("gives the same answer for score distributions concentrated on the same levels", () => {
    const scores = simulateScores(createRng("dist"), [0.5, 0, -0.5], 60);
    const asDistributions = scores.map((row) =>
      row.map((s) => (s === null ? null : Array.from({ length: 7 }, (_, k) => (k + 1 === s ? 1 : 0)))),
    );
    const a = bradleyTerryWithIntervals(scores, { rng: createRng(9), rounds: 100 });
    const b = bradleyTerryWithIntervals(asDistributions, { rng: createRng(9), rounds: 100 });
    a.theta.forEach((t, i) => {
      expect(b.theta[i]).toBeCloseTo(t, 9);
    });
    a.lo.forEach((t, i) => {
      expect(b.lo[i]).toBeCloseTo(t, 9);
    });
  });
});
