import { describe, expect, it } from "vitest";
import {
  meanCi,
  normalQuantile,
  pairedDiff,
  pairedDifferences,
  percentileInterval,
  percentileSorted,
  percentiles,
  studentTCdf,
  studentTQuantile,
} from "../../../src/stats/intervals.js";
import { createRng } from "../../../src/stats/rng.js";

describe("quantiles", () => {
  it("match published t and normal table values", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.005)).toBeCloseTo(-2.575829, 6);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 4);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302653, 6);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 6);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032143, 6);
    expect(studentTQuantile(0.025, 30)).toBeCloseTo(-2.042272, 6);
  });

  it("invert the t CDF", () => {
    for (const df of [1, 3.5, 40]) expect(studentTCdf(studentTQuantile(0.9, df), df)).toBeCloseTo(0.9, 10);
  });
});

describe("meanCi", () => {
  it("gives the t interval mean ± t(0.975, n−1)·sd/√n and drops missing values", () => {
    const m = meanCi([4, 5, 6, null, Number.NaN])!;
    expect(m.n).toBe(3);
    expect(m.mean).toBe(5);
    expect(m.sd).toBeCloseTo(1, 12);
    expect(m.ci95[0]).toBeCloseTo(5 - (4.302653 * 1) / Math.sqrt(3), 5);
    expect(m.ci95[1]).toBeCloseTo(5 + (4.302653 * 1) / Math.sqrt(3), 5);
  });

  it("uses normal quantiles when asked and narrows with a lower level", () => {
    const xs = [1, 2, 3, 4, 5, 6];
    const t = meanCi(xs)!;
    const z = meanCi(xs, { method: "normal" })!;
    const z90 = meanCi(xs, { method: "normal", level: 0.9 })!;
    expect(z.ci95[1] - z.mean).toBeCloseTo(1.959964 * z.se, 5);
    expect(z.ci95[1]).toBeLessThan(t.ci95[1]);
    expect(z90.ci[1]).toBeLessThan(z.ci95[1]);
    // ci95 keeps its promise whatever level was asked for.
    expect(z90.ci95).toEqual(z.ci95);
  });

  it("is null for fewer than two values, never a zero-width interval", () => {
    expect(meanCi([])).toBeNull();
    expect(meanCi([7, null])).toBeNull();
  });

  it("covers the true mean about 95% of the time on small normal samples", () => {
    const rng = createRng("meanci-coverage");
    let hit = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      const xs = Array.from({ length: 5 }, () => 3 + 2 * rng.normal());
      const m = meanCi(xs)!;
      if (m.ci95[0] <= 3 && 3 <= m.ci95[1]) hit++;
    }
    expect(hit / runs).toBeGreaterThan(0.935);
    expect(hit / runs).toBeLessThan(0.965);
  });
});

describe("pairedDiff", () => {
  it("uses only items both sides have", () => {
    const d = pairedDiff([5, 6, 7, null, 3], [4, 6, 5, 2, null])!;
    expect(d.n).toBe(3);
    expect(d.meanDiff).toBeCloseTo(1, 12);
    expect(d.ci95[0]).toBeCloseTo(1 - (4.302653 * 1) / Math.sqrt(3), 5);
    expect(pairedDifferences([1, null], [null, 2])).toEqual([]);
    expect(pairedDiff([1, null], [0, 2])).toBeNull();
  });

  it("rejects arrays of different lengths", () => {
    expect(() => pairedDiff([1, 2], [1])).toThrow(RangeError);
  });
});

describe("percentiles", () => {
  it("interpolate linearly between order statistics (numpy default)", () => {
    expect(percentileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentileSorted([10], 0.3)).toBe(10);
    expect(percentileSorted([], 0.3)).toBeNull();
    expect(percentiles([3, 1, 2, null], [0, 0.025, 1])).toEqual([1, 1.05, 3]);
    const [lo, hi] = percentileInterval([...Array(101).keys()])!;
    expect(lo).toBeCloseTo(2.5, 12);
    expect(hi).toBeCloseTo(97.5, 12);
  });
});
