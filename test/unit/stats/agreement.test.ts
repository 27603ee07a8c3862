import { describe, expect, it } from "vitest";
import {
  agreementRate,
  cohenKappa,
  confusionMatrix,
  exactAgreement,
  kendallTauB,
  krippendorffAlpha,
  mae,
  midRanks,
  pearson,
  spearman,
  withinOneAgreement,
} from "../../../src/stats/agreement.js";
import { createRng } from "../../../src/stats/rng.js";

// methods.md 7.1 test vector (K = 5, classes 0..4)
const A = [0, 1, 2, 3, 4, 4, 3, 2, 1, 0, 2, 2];
const B = [0, 1, 2, 4, 4, 3, 3, 1, 1, 1, 2, 3];

// methods.md 7.2: Krippendorff's 4 raters x 12 units, null = missing
const N = null;
const KRIPP = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
  [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
];

/** Direct O(n^2) tau-b from the definition, as an independent reference. */
function tauBBrute(x: number[], y: number[]): number {
  let nc = 0;
  let nd = 0;
  let tx = 0;
  let ty = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = Math.sign(x[i]! - x[j]!) * Math.sign(y[i]! - y[j]!);
      if (s > 0) nc++;
      else if (s < 0) nd++;
      if (x[i] === x[j]) tx++;
      if (y[i] === y[j]) ty++;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  return (nc - nd) / Math.sqrt((n0 - tx) * (n0 - ty));
}

describe("Cohen's kappa", () => {
  it("reproduces the methods.md 7.1 vector for unweighted, linear and quadratic weights", () => {
    expect(cohenKappa(A, B)).toBeCloseTo(0.4828, 4);
    expect(cohenKappa(A, B, { weights: "linear" })).toBeCloseTo(0.7115, 4);
    expect(cohenKappa(A, B, { weights: "quadratic" })).toBeCloseTo(0.8718, 4);
  });

  it("is 1 for identical raters and drops items either rater left missing", () => {
    expect(cohenKappa([1, 2, 3, 3], [1, 2, 3, 3])).toBe(1);
    const withGaps = cohenKappa([...A, null, 4], [...B, 2, Number.NaN], { weights: "quadratic" });
    expect(withGaps).toBeCloseTo(cohenKappa(A, B, { weights: "quadratic" })!, 12);
  });

  it("is null when it is undefined: no pairs, or both raters constant on the same value", () => {
    expect(cohenKappa([null], [1])).toBeNull();
    expect(cohenKappa([3, 3], [3, 3])).toBeNull();
  });

  it("weights by position in the declared levels, so unused levels widen the linear scale", () => {
    // Observed levels 1..3 only; declaring 1..5 changes (K−1) but kappa's constants cancel.
    const a = [1, 2, 3, 2];
    const b = [1, 3, 3, 2];
    expect(cohenKappa(a, b, { weights: "linear", levels: [1, 2, 3, 4, 5] })).toBeCloseTo(cohenKappa(a, b, { weights: "linear" })!, 12);
  });
});

describe("Krippendorff's alpha", () => {
  it("reproduces the methods.md 7.2 example for all four metrics", () => {
    expect(krippendorffAlpha(KRIPP, "nominal")).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(KRIPP, "ordinal")).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(KRIPP, "interval")).toBeCloseTo(0.849, 3);
    expect(krippendorffAlpha(KRIPP, "ratio")).toBeCloseTo(0.797, 3);
  });

  it("treats NaN like null and ignores units with a single value", () => {
    const nan = KRIPP.map((r) => r.map((v) => (v === null ? Number.NaN : v)));
    expect(krippendorffAlpha(nan, "ordinal")).toBeCloseTo(krippendorffAlpha(KRIPP, "ordinal")!, 12);
    const extraLonely = KRIPP.map((r, i) => [...r, i === 0 ? 5 : null]);
    expect(krippendorffAlpha(extraLonely, "interval")).toBeCloseTo(krippendorffAlpha(KRIPP, "interval")!, 12);
  });

  it("equals 1 for perfect agreement and is null when every value is the same", () => {
    expect(krippendorffAlpha([[1, 2, 3], [1, 2, 3], [1, 2, null]], "nominal")).toBe(1);
    expect(krippendorffAlpha([[2, 2], [2, 2]], "ordinal")).toBeNull();
  });

  it("is close to the quadratic-weighted kappa for two raters on many items (Krippendorff's small-sample factor)", () => {
    const rng = createRng("alpha-vs-kappa");
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = 1 + rng.int(5);
      a.push(Math.min(5, Math.max(1, t + (rng.next() < 0.3 ? 1 : 0))));
      b.push(Math.min(5, Math.max(1, t - (rng.next() < 0.3 ? 1 : 0))));
    }
    expect(krippendorffAlpha([a, b], "interval")!).toBeCloseTo(cohenKappa(a, b, { weights: "quadratic" })!, 2);
  });
});

describe("rank correlations", () => {
  it("reproduce the methods.md 7.1 Spearman and Kendall tau-b values", () => {
    expect(spearman(A, B)).toBeCloseTo(0.8893, 4);
    expect(kendallTauB(A, B)).toBeCloseTo(0.8108, 4);
  });

  it("give mid-ranks to ties", () => {
    expect(Array.from(midRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });

  it("merge-sort tau-b equals the O(n^2) definition on heavily tied data", () => {
    const rng = createRng("tau");
    for (const n of [2, 3, 17, 400]) {
      const x = Array.from({ length: n }, () => rng.int(5));
      const y = x.map((v) => v + rng.int(3));
      expect(kendallTauB(x, y)).toBeCloseTo(tauBBrute(x, y), 12);
    }
  });

  it("spearman is Pearson of mid-ranks and is 1 for any increasing transform", () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(spearman(x, x.map((v) => v ** 3))).toBeCloseTo(1, 12);
    expect(spearman(x, [2, 7, 1, 8, 2, 8, 1, 8])).toBeCloseTo(pearson(midRanks(x), midRanks([2, 7, 1, 8, 2, 8, 1, 8]))!, 12);
  });

  it("are null for fewer than two pairs or a constant side", () => {
    expect(spearman([1], [2])).toBeNull();
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2, null], [4, null, 6])).toBeNull();
  });
});

describe("distance and agreement rates", () => {
  it("compute MAE, exact and within-one over the pairs both raters have", () => {
    const a = [1, 2, 5, null, 4];
    const b = [1, 3, 3, 2, 4];
    expect(mae(a, b)).toBeCloseTo(3 / 4, 12);
    expect(exactAgreement(a, b)).toBeCloseTo(2 / 4, 12);
    expect(withinOneAgreement(a, b)).toBeCloseTo(3 / 4, 12);
    expect(agreementRate(a, b, 2)).toBe(1);
    expect(mae([null], [1])).toBeNull();
  });

  it("builds a confusion matrix with rows = first rater, including declared but unused levels", () => {
    const c = confusionMatrix([1, 2, 2, null], [1, 2, 1, 3], [1, 2, 3]);
    expect(c.levels).toEqual([1, 2, 3]);
    expect(c.counts).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(() => confusionMatrix([4], [1], [1, 2, 3])).toThrow(RangeError);
  });
});
