import { describe, expect, it } from "vitest";
import { cohenKappa, krippendorffAlpha } from "../../../src/stats/agreement.js";
import { calibrate, criticAlpha, maeOnSevenPoints, maeSentence } from "../../../src/stats/calibration.js";
import { createRng } from "../../../src/stats/rng.js";

describe("calibrate one critic against human gold", () => {
  it("reports every statistic over the items both have", () => {
    const critic = [7, 6, 5, null, 3, 2];
    const gold = [7, 5, 5, 4, 1, null];
    const c = calibrate(critic, gold, { scale: 7 });
    expect(c.n).toBe(4);
    expect(c.mae).toBeCloseTo((0 + 1 + 0 + 2) / 4, 12);
    expect(c.exact).toBeCloseTo(0.5, 12);
    expect(c.withinOne).toBeCloseTo(0.75, 12);
    expect(c.qwk).toBeCloseTo(cohenKappa([7, 6, 5, 3], [7, 5, 5, 1], { weights: "quadratic", levels: [1, 2, 3, 4, 5, 6, 7] })!, 12);
    expect(c.spearman).toBeGreaterThan(0.9);
    expect(c.kendallTauB).toBeGreaterThan(0.8);
    expect(c.confusion.levels).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(c.confusion.counts[5]![4]).toBe(1); // critic 6, gold 5
    expect(c.confusion.counts.flat().reduce((a, b) => a + b, 0)).toBe(4);
  });

  it("returns nulls, not zeros, when no item has both", () => {
    const c = calibrate([1, null], [null, 2]);
    expect(c.n).toBe(0);
    expect(c.mae).toBeNull();
    expect(c.exact).toBeNull();
    expect(c.qwk).toBeNull();
    expect(c.spearman).toBeNull();
  });

  it("finds a simulated critic's known error: off by one level on 30% of items gives MAE ≈ 0.3", () => {
    const rng = createRng("calib");
    const gold: number[] = [];
    const critic: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const g = 2 + rng.int(5); // 2..6 so ±1 stays on the scale
      gold.push(g);
      critic.push(rng.next() < 0.3 ? g + (rng.next() < 0.5 ? 1 : -1) : g);
    }
    const c = calibrate(critic, gold, { scale: 7 });
    expect(c.mae!).toBeGreaterThan(0.28);
    expect(c.mae!).toBeLessThan(0.32);
    expect(c.withinOne).toBe(1);
    expect(c.exact!).toBeCloseTo(1 - c.mae!, 12);
  });
});

describe("agreement among critics", () => {
  it("is Krippendorff's alpha over critics x items", () => {
    const levels = [
      [7, 6, 5, 4, 2],
      [7, 5, 5, 4, null],
      [6, 6, null, 3, 1],
    ];
    expect(criticAlpha(levels)).toBe(krippendorffAlpha(levels, "ordinal"));
    expect(criticAlpha(levels, "interval")).toBe(krippendorffAlpha(levels, "interval"));
  });
});

describe("MAE next to the human-rater reference", () => {
  it("rescales other scales to seven points: MAE / (K − 1) · 6", () => {
    expect(maeOnSevenPoints(0.5, 5)).toBeCloseTo(0.75, 12);
    expect(maeOnSevenPoints(1, 7)).toBe(1);
  });

  it("says whether the critic is within, near or beyond about one level", () => {
    expect(maeSentence(0.8, 7, "gpt-4.1")).toBe("gpt-4.1 is 0.80 levels off on average, within the ~1 level typical of trained human raters on a 7-point scale.");
    expect(maeSentence(0.9, 5, "llama")).toContain("0.90 levels off on average on the 5-point scale (1.35 on a 7-point scale), somewhat further off");
    expect(maeSentence(2.1, 7)).toContain("well beyond");
    expect(maeSentence(null, 7, "x")).toContain("n/a");
  });
});
