import { describe, expect, it } from "vitest";
import { pairwiseFamilywiseError } from "../../../bench/comparison.js";
import type { PairwiseResult, RunResult } from "../../../src/run-result.js";
import { decidePairs } from "../../../src/runner/pairwise-verdicts.js";
import { pairedDiff, twoSidedTP } from "../../../src/stats/intervals.js";
import { createRng, type Rng } from "../../../src/stats/rng.js";

/** The pairs of one rubric as the run computes them: paired t interval and its p-value. */
function pairsOf(scores: number[][], names: string[]): PairwiseResult[] {
  const out: PairwiseResult[] = [];
  for (let a = 0; a < names.length; a++) {
    for (let b = a + 1; b < names.length; b++) {
      const d = pairedDiff(scores.map((r) => r[a]!), scores.map((r) => r[b]!))!;
      out.push({ a: names[a]!, b: names[b]!, rubric: "r", winRate: 0.5, meanDiff: d.meanDiff, diffCi95: { lo: d.ci95[0], hi: d.ci95[1] }, n: d.n, p: twoSidedTP(d.meanDiff, d.se, d.n - 1) });
    }
  }
  return out;
}

/** n items on a 1..7 scale: a shared item difficulty, per-output noise, rounded like a critic's levels. */
function scoresOf(rng: Rng, quality: number[], n: number): number[][] {
  return Array.from({ length: n }, () => {
    const item = rng.normal();
    return quality.map((q) => Math.min(7, Math.max(1, Math.round(4 + q + item + 1.2 * rng.normal()))));
  });
}


describe("pairwise verdicts with Holm's family-wise correction", () => {
  it("five equal candidates (all 10 pairs null): a wrong 'better' in at most 5% of runs with Holm, far more without", () => {
    const r = pairwiseFamilywiseError(2000);
    console.log(`family-wise error over ${r.pairs} null pairs, 2000 seeded runs of 30 items: Holm ${(100 * r.holm).toFixed(1)}%, uncorrected ${(100 * r.none).toFixed(1)}%`);
    expect(r.holm).toBeLessThanOrEqual(0.05);
    expect(r.none).toBeGreaterThan(0.15);
  });

  it("keeps real differences: a clearly better candidate is still decided after Holm", () => {
    const rng = createRng("holm-power");
    const r = { pairwise: pairsOf(scoresOf(rng, [1.5, 0, 0, 0, 0], 60), ["best", "c2", "c3", "c4", "c5"]) } as RunResult;
    decidePairs(r, "holm");
    expect(r.pairwiseCorrection).toBe("holm");
    for (const p of r.pairwise.filter((x) => x.a === "best")) expect(p.verdict).toBe("A better");
    for (const p of r.pairwise) {
      expect(p.familywise?.method).toBe("holm");
      expect(p.familywise?.pairs).toBe(10);
    }
  });

  it("withdraws a verdict the pair's interval gave alone, and says so in familywise", () => {
    // p = 0.03 alone is "A better" at 95%; over three pairs Holm asks the smallest p for 0.0167.
    const mk = (a: string, b: string, p: number, lo: number): PairwiseResult => ({ a, b, rubric: "r", winRate: 0.6, meanDiff: 0.3, diffCi95: { lo, hi: 0.6 }, n: 40, p });
    const r = { pairwise: [mk("x", "y", 0.03, 0.02), mk("x", "z", 0.5, -0.2), mk("y", "z", 0.6, -0.3)] } as RunResult;
    decidePairs(r, "none");
    expect(r.pairwise[0]!.verdict).toBe("A better");
    decidePairs(r, "holm");
    expect(r.pairwise[0]!.verdict).toBe("undecided");
    expect(r.pairwise[0]!.familywise).toEqual({ method: "holm", pairs: 3, level: 0.05 / 3, adjustedP: 0.09 });
  });

  it("leaves a pair decided by a confidence sequence out of the family", () => {
    const r = {
      pairwise: [
        { a: "x", b: "y", rubric: "r", winRate: 0.7, meanDiff: 0.5, diffCi95: { lo: 0.1, hi: 0.9 }, n: 40, interval: "confidence-sequence", p: 0.001 },
        { a: "x", b: "z", rubric: "r", winRate: 0.6, meanDiff: 0.3, diffCi95: { lo: 0.05, hi: 0.6 }, n: 40, p: 0.04 },
      ],
    } as RunResult;
    decidePairs(r, "holm");
    expect(r.pairwise[0]!.verdict).toBe("A better");
    expect(r.pairwise[0]!.familywise).toBeUndefined();
    expect(r.pairwise[0]!.p).toBeNull();
    expect(r.pairwise[1]!.familywise?.pairs).toBe(1);
    expect(r.pairwise[1]!.verdict).toBe("A better");
  });
});
