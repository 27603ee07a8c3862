import { describe, expect, it } from "vitest";
import { type CoverageTally, labelModelCoverage, labelModelEstimand } from "../../../bench/label-coverage.js";

// The simulation and its estimand are the bench's (bench/label-coverage.ts): three critics of
// different leniency and noise, continuous true quality, the ordinal model fitted, and as the
// truth the model's own large-sample limit on the average critic's scale. Each run refits the
// label model 50 times, so the coverage figures come from the bench's 300 runs per n
// (`npm run build && node dist/bench/run.js label-coverage`: paired difference 93.4% -> 96.2%,
// 95.3% -> 96.6%, 92.5% -> 94.9% at n = 40, 80, 150; candidate mean 97.6%, 95.9%, 95.2% -> 96.2%);
// here 20 runs per n check the same code end to end.
describe("intervals carry the label model's uncertainty (refitting item bootstrap)", () => {
  const truth = labelModelEstimand();

  it("at n = 40, 80 and 150 outputs the widened intervals are wider on average, never narrower, and cover the truth", () => {
    const all = [40, 80, 150].map((n) => labelModelCoverage(n, 20, truth));
    const sum = (f: (t: CoverageTally) => number) => all.reduce((s, t) => s + f(t), 0);
    const runs = sum((t) => t.runs);
    const rate = (f: (t: CoverageTally) => number) => sum(f) / runs;
    console.log(
      `label-model coverage, ${runs} runs: mean ${rate((t) => t.meanBefore).toFixed(3)} -> ${rate((t) => t.meanAfter).toFixed(3)} (SE x ${rate((t) => t.meanSeRatio).toFixed(2)}), ` +
        `paired difference ${rate((t) => t.diffBefore).toFixed(3)} -> ${rate((t) => t.diffAfter).toFixed(3)} (SE x ${rate((t) => t.diffSeRatio).toFixed(2)})`,
    );
    expect(runs).toBeGreaterThanOrEqual(50);
    expect(sum((t) => t.narrowed)).toBe(0);
    // The fitted critics' uncertainty is real: on average the paired difference's SE grows.
    expect(rate((t) => t.diffSeRatio)).toBeGreaterThan(1.05);
    expect(rate((t) => t.meanSeRatio)).toBeGreaterThanOrEqual(1);
    for (const f of [(t: CoverageTally) => t.meanAfter, (t: CoverageTally) => t.diffAfter]) {
      expect(rate(f)).toBeGreaterThanOrEqual(0.9);
      expect(rate(f)).toBeLessThanOrEqual(1);
    }
  });
});
