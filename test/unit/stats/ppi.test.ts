import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SUMMEVAL, summevalPpi } from "../../../bench/ppi.js";
import { normalQuantile, ppiMean, ppiPairedDifference } from "../../../src/stats/ppi.js";

const Y = [1, 0, 1, 1, 0, 1, 0, 1, 1, 1];
const YHAT = [1, 0, 1, 0, 0, 1, 1, 1, 1, 1];
const UNLABELLED = [...Array(70).fill(1), ...Array(30).fill(0)];

describe("PPI for a mean (methods.md 5.1 test vector)", () => {
  it("gives the PPI (lambda = 1) interval [0.4555, 0.9445]", () => {
    const r = ppiMean(Y, YHAT, UNLABELLED, { alpha: 0.1, lambda: "ppi" })!;
    expect(r.estimate).toBeCloseTo(0.7, 4);
    expect(r.lambda).toBe(1);
    expect(r.ci.lo).toBeCloseTo(0.4555, 4);
    expect(r.ci.hi).toBeCloseTo(0.9445, 4);
  });

  it("tunes lambda to 0.4719 and gives the PPI++ interval [0.4935, 0.9065]", () => {
    const r = ppiMean(Y, YHAT, UNLABELLED, { alpha: 0.1 })!;
    expect(r.lambda).toBeCloseTo(0.4719, 4);
    expect(r.estimate).toBeCloseTo(0.7, 4);
    expect(r.ci.lo).toBeCloseTo(0.4935, 4);
    expect(r.ci.hi).toBeCloseTo(0.9065, 4);
  });

  it("gives the classical gold-only interval [0.4616, 0.9384]", () => {
    const r = ppiMean(Y, YHAT, UNLABELLED, { alpha: 0.1, lambda: "classical" })!;
    expect(r.lambda).toBe(0);
    expect(r.ci.lo).toBeCloseTo(0.4616, 4);
    expect(r.ci.hi).toBeCloseTo(0.9384, 4);
  });

  it("has an accurate normal quantile", () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.5758293, 6);
  });

  it("leaves out missing values instead of reading them as 0", () => {
    const withGaps = ppiMean([...Y, null], [...YHAT, 1], [...UNLABELLED, null], { alpha: 0.1 })!;
    const clean = ppiMean(Y, YHAT, UNLABELLED, { alpha: 0.1 })!;
    expect(withGaps).toEqual(clean);
    expect(withGaps.n).toBe(10);
    expect(withGaps.N).toBe(100);
  });

  it("returns null with fewer than two gold pairs", () => {
    expect(ppiMean([1], [1], UNLABELLED)).toBeNull();
  });

  it("clips a negatively correlated critic to lambda 0", () => {
    const r = ppiMean(Y, YHAT.map((v) => 1 - v), UNLABELLED, { alpha: 0.1 })!;
    expect(r.lambda).toBe(0);
  });
});

describe("PPI for a paired difference (methods.md 5.2)", () => {
  it("equals PPI on the per-item differences", () => {
    const goldB = Y.map((_, i) => (i % 3 === 0 ? 1 : 0));
    const predB = YHAT.map((_, i) => (i % 4 === 0 ? 1 : 0));
    const unlB = UNLABELLED.map((_, i) => (i % 5 === 0 ? 1 : 0));
    const paired = ppiPairedDifference({
      goldA: Y,
      goldB,
      goldPredictedA: YHAT,
      goldPredictedB: predB,
      unlabelledPredictedA: UNLABELLED,
      unlabelledPredictedB: unlB,
    })!;
    const direct = ppiMean(
      Y.map((v, i) => v - goldB[i]),
      YHAT.map((v, i) => v - predB[i]),
      UNLABELLED.map((v, i) => v - unlB[i]),
    )!;
    expect(paired).toEqual(direct);
  });
});

describe("PPI++ on SummEval with gpt-4 as the critic and the expert mean as gold", () => {
  it.skipIf(!existsSync(SUMMEVAL))(
    "covers the full-data expert mean in >= 88% of 1,000 draws of 100 gold items and beats gold-only width",
    () => {
      const table = summevalPpi(SUMMEVAL, 1000, 100);
      expect(table.map((c) => c.dimension)).toEqual(["coherence", "consistency", "fluency", "relevance"]);
      for (const c of table) {
        console.log(`${c.dimension}: coverage ${(c.coverage * 100).toFixed(1)}%, width ${c.widthPpi.toFixed(3)} vs gold-only ${c.widthClassical.toFixed(3)}`);
        expect(c.coverage, `${c.dimension} coverage`).toBeGreaterThanOrEqual(0.88);
        expect(c.widthPpi, `${c.dimension} width`).toBeLessThan(c.widthClassical);
      }
    },
  );
});

describe("level", () => {
  it("is 95% by default, like every other interval in the report", () => {
    const def = ppiMean(Y, YHAT, UNLABELLED)!;
    const at95 = ppiMean(Y, YHAT, UNLABELLED, { alpha: 0.05 })!;
    expect(def.ci).toEqual(at95.ci);
    const at90 = ppiMean(Y, YHAT, UNLABELLED, { alpha: 0.1 })!;
    expect(def.ci.hi - def.ci.lo).toBeGreaterThan(at90.ci.hi - at90.ci.lo);
  });
});
