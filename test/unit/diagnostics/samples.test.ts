import { describe, expect, it } from "vitest";
import { sampleNoiseCoverage } from "../../../bench/diagnostics.js";
import { sampleNoise } from "../../../src/diagnostics/samples.js";
import { createRng } from "../../../src/stats/rng.js";

describe("sample noise", () => {
  it("pools the within-output spread and averages the first m samples", () => {
    const est = sampleNoise([
      { group: 0, samples: [4, 6], reference: 5 },
      { group: 0, samples: [3, 3], reference: 3 },
      { group: 1, samples: [6, 4], reference: 6 },
    ]);
    // deviations: (1,1), (0,0), (1,1) -> ss 4 over 3 degrees of freedom
    expect(est.withinSd).toBeCloseTo(Math.sqrt(4 / 3), 12);
    expect(est.k).toBe(2);
    expect(est.curve.map((c) => c.samples)).toEqual([1, 2]);
  });

  it("shows agreement with the truth rising and intervals narrowing as samples are averaged", () => {
    const rng = createRng("samples");
    const outputs = [];
    for (let i = 0; i < 300; i++) {
      const truth = 4 + 1.2 * rng.normal();
      const samples = Array.from({ length: 5 }, () => Math.min(7, Math.max(1, Math.round(truth + 1.2 * rng.normal()))));
      outputs.push({ group: i % 2, samples, reference: truth });
    }
    const est = sampleNoise(outputs);
    expect(est.withinSd).toBeGreaterThan(1);
    expect(est.curve[4]!.agreement!).toBeGreaterThan(est.curve[0]!.agreement! + 0.1);
    expect(est.curve[4]!.ciWidth!).toBeLessThan(est.curve[0]!.ciWidth!);
  });
});

describe("sample noise interval", () => {
  it("covers a planted noise sd in about 95% of seeds", () => {
    const c = sampleNoiseCoverage(200, 120);
    expect(c.coverage).toBeGreaterThan(0.9);
    expect(Math.abs(c.mean - Math.sqrt(0.5))).toBeLessThan(0.02);
  });
});
