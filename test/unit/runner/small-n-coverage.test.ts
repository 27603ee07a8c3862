import { describe, expect, it } from "vitest";
import { aggregateLevels } from "../../../src/runner/aggregate.js";
import { meanCi } from "../../../src/stats/intervals.js";
import { createRng } from "../../../src/stats/rng.js";

function gauss(r: ReturnType<typeof createRng>): number {
  return Math.sqrt(-2 * Math.log(r.next() + 1e-12)) * Math.cos(2 * Math.PI * r.next());
}

const clamp7 = (x: number) => Math.min(7, Math.max(1, Math.round(x)));

/** One output: true quality on 1..7, and two critics (one lenient and noisier) scoring it. */
function draw(r: ReturnType<typeof createRng>): number[] {
  const z = 1 + 6 * r.next();
  return [clamp7(z + 0.7 * gauss(r)), clamp7(z + 1 + 1.3 * gauss(r))];
}

describe("cell intervals at small n carry the critics' disagreement", () => {
  // The estimand is the population mean of the critics' mean score (the critic scale).
  const pop = createRng("population");
  let target = 0;
  const N = 200_000;
  for (let i = 0; i < N; i++) {
    const [a, b] = draw(pop);
    target += (a + b) / 2 / N;
  }

  it.each([3, 5, 10])("n = %i: the 95 percent interval covers the truth near 95 percent of the time and is never zero-width", (n) => {
    const r = createRng(`coverage-${n}`);
    const reps = 1500;
    let covered = 0;
    let zeroWidth = 0;
    for (let rep = 0; rep < reps; rep++) {
      const levels = Array.from({ length: n }, () => draw(r));
      const agg = aggregateLevels("helpfulness", levels, ["strong", "weak"], 7, levels.map(() => null));
      const ci = meanCi(agg.scores)!;
      if (ci.ci95[1] - ci.ci95[0] <= 0) zeroWidth++;
      if (ci.ci95[0] <= target && target <= ci.ci95[1]) covered++;
    }
    expect(covered / reps).toBeGreaterThan(0.9);
    expect(covered / reps).toBeLessThan(0.99);
    expect(zeroWidth / reps).toBeLessThan(0.02);
  });

  it("three critics on fewer outputs than the label model needs also fall back to their mean, and say so", () => {
    const r = createRng("three");
    const levels = Array.from({ length: 8 }, () => [...draw(r), clamp7(4 + gauss(r))]);
    const agg = aggregateLevels("helpfulness", levels, ["a", "b", "c"], 7, levels.map(() => null));
    expect(agg.summary.method).toBe("mean of critics");
    expect(agg.summary.reason).toMatch(/too few to fit/);
    agg.scores.forEach((s, i) => {
      expect(s).toBeCloseTo(levels[i]!.reduce((t, v) => t + v, 0) / 3, 9);
    });
  });
});
