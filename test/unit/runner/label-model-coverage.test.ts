import { describe, expect, it } from "vitest";
import { type CoverageTally, labelModelCoverage } from "../../../bench/label-coverage.js";

// The simulation and its estimand are the bench's (bench/label-coverage.ts): three critics of
// different leniency and noise, continuous true quality, the ordinal model fitted, and as the
// truth the model's own large-sample limit on the average critic's scale. Each run refits the
// label model 50 times, so the coverage figures come from the bench's 200 runs per n and design
// (`npm run build && node dist/bench/run.js label-coverage`); here a few runs per n check the
// same code end to end, and that the widening is real where the t interval falls short.
describe("intervals carry the label model's uncertainty (refitting item bootstrap)", () => {
  const sum = (ts: CoverageTally[], f: (t: CoverageTally) => number) => ts.reduce((s, t) => s + f(t), 0);

  it("one candidate at n = 40, 80 and 150 outputs, two candidates at n = 80: wider on average, never narrower, covering the truth", () => {
    const one = [40, 80, 150].map((n) => labelModelCoverage(n, 14, "one"));
    const pair = [labelModelCoverage(80, 14, "pair")];
    const runs = (ts: CoverageTally[]) => sum(ts, (t) => t.runs);
    const rate = (ts: CoverageTally[], f: (t: CoverageTally) => number) => sum(ts, f) / runs(ts);
    console.log(
      `label-model coverage: one candidate's mean ${rate(one, (t) => t.meanBefore).toFixed(3)} -> ${rate(one, (t) => t.meanAfter).toFixed(3)} (SE x ${rate(one, (t) => t.meanSeRatio).toFixed(2)}, ${runs(one)} runs); ` +
        `paired difference ${rate(pair, (t) => t.diffBefore).toFixed(3)} -> ${rate(pair, (t) => t.diffAfter).toFixed(3)} (SE x ${rate(pair, (t) => t.diffSeRatio).toFixed(2)}, ${runs(pair)} runs)`,
    );
    expect(runs(one)).toBeGreaterThanOrEqual(36);
    expect(runs(pair)).toBeGreaterThanOrEqual(12);
    expect(sum([...one, ...pair], (t) => t.narrowed)).toBe(0);
    // The fitted critics' uncertainty is real: on average both standard errors grow.
    expect(rate(one, (t) => t.meanSeRatio)).toBeGreaterThan(1.03);
    expect(rate(pair, (t) => t.diffSeRatio)).toBeGreaterThan(1.03);
    expect(rate(one, (t) => t.meanAfter)).toBeGreaterThanOrEqual(0.9);
    expect(rate(pair, (t) => t.diffAfter)).toBeGreaterThanOrEqual(0.85);
  });
});
