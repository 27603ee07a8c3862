import { describe, expect, it } from "vitest";
import { lengthCoverage, plantedLength } from "../../../bench/diagnostics.js";
import { lengthControlledComparison, preferenceAbove, withinLengthSlope } from "../../../src/diagnostics/length.js";
import { createRng } from "../../../src/stats/rng.js";

describe("within-item-and-candidate length slope", () => {
  it("recovers an exact linear effect and ignores candidate and item effects", () => {
    // score = item effect + candidate effect (the long candidate is also the better one) + 0.5 per 1k chars
    const obs = [];
    for (let i = 0; i < 30; i++) {
      for (let c = 0; c < 3; c++) {
        const kchars = 0.2 + c * 0.5 + ((i * 7 + c * 3) % 5) * 0.1;
        obs.push({ item: i, candidate: c, kchars, score: (i % 4) + 2 * c + 0.5 * kchars });
      }
    }
    const fit = withinLengthSlope(obs)!;
    expect(fit.slope).toBeCloseTo(0.5, 9);
    expect(fit.se).toBeLessThan(1e-9);
  });

  it("is zero when better candidates are longer but length does not move a candidate's own score", () => {
    const obs = [];
    for (let i = 0; i < 30; i++) for (let c = 0; c < 2; c++) obs.push({ item: i, candidate: c, kchars: c + 0.1 * ((i + 2 * c) % 3), score: 3 + 2 * c + (i % 2) });
    const fit = withinLengthSlope(obs)!;
    expect(Math.abs(fit.slope)).toBeLessThan(1e-9);
  });

  it("is null without length variation inside candidates", () => {
    const obs = [];
    for (let i = 0; i < 10; i++) for (let c = 0; c < 2; c++) obs.push({ item: i, candidate: c, kchars: c, score: i % 7 });
    expect(withinLengthSlope(obs)).toBeNull();
  });
});

describe("length-controlled comparison", () => {
  it("removes a step bias between a terse and a verbose candidate of equal quality", () => {
    const w = plantedLength(createRng("unit-step"), 300, { step: true });
    const fit = withinLengthSlope(w.obs)!;
    const lc = lengthControlledComparison(w.pairs, fit)!;
    const raw = w.pairs.reduce((a, p) => a + p.scoreA - p.scoreB, 0) / w.pairs.length;
    expect(raw).toBeLessThan(-0.4);
    expect(lc.diffCi95!.lo).toBeLessThan(0);
    expect(lc.diffCi95!.hi).toBeGreaterThan(0);
    expect(Math.abs(lc.meanDiff)).toBeLessThan(0.2);
    expect(lc.winRate).toBeGreaterThan(0.4);
    expect(lc.winRate).toBeLessThan(0.6);
  });

  it("preferenceAbove at shift 0 is the ties-split preference, and moves linearly between levels", () => {
    const pA = [0, 0, 0.5, 0.5, 0, 0, 0];
    const pB = [0, 0, 0, 1, 0, 0, 0];
    expect(preferenceAbove(pA, pB, 0)).toBeCloseTo(0.25, 12); // A wins never, ties half the time
    expect(preferenceAbove(pA, pB, -1)).toBeCloseTo(0.75, 12);
    expect(preferenceAbove(pA, pB, -0.5)).toBeCloseTo(0.5, 12);
  });

  it("covers the planted slope and the true zero difference in about 95% of seeds", () => {
    const c = lengthCoverage(150, 150);
    expect(c.slopeCoverage).toBeGreaterThan(0.88);
    expect(c.lcCoverage).toBeGreaterThan(0.88);
    expect(c.rawCoverage).toBeLessThan(0.5);
  });
});
