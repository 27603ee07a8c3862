// Smaller defects of issue 13, each pinned by a test that failed before its fix.
import { describe, expect, it } from "vitest";
import { levelDistribution, scoreTokenTop } from "../../../src/critic/logprobs.js";
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

describe("logprob scores", () => {
  const top = (d: string) => [
    { token: d, logprob: Math.log(0.7) },
    { token: "6", logprob: Math.log(0.2) },
  ];
  it("are read at the token that carries the digit, not at a leading ** or Score:", () => {
    const content = [
      { token: "**", top_logprobs: [{ token: "**", logprob: 0 }] },
      { token: "Score", top_logprobs: [{ token: "Score", logprob: 0 }] },
      { token: ":", top_logprobs: [{ token: ":", logprob: 0 }] },
      { token: " 5", top_logprobs: top("5") },
    ];
    const at = scoreTokenTop(content)!;
    expect(at.map((t) => t.token)).toEqual(["5", "6"]);
    expect(levelDistribution(at)!.expected).toBeCloseTo((5 * 0.7 + 6 * 0.2) / 0.9, 9);
  });

  it("give no distribution when the level tokens hold less than half the probability", () => {
    expect(levelDistribution([{ token: "5", logprob: Math.log(0.3) }, { token: "The", logprob: Math.log(0.6) }])).toBeNull();
    expect(levelDistribution([{ token: "5", logprob: Math.log(0.6) }, { token: "The", logprob: Math.log(0.3) }])!.validMass).toBeCloseTo(0.6, 9);
  });
});
