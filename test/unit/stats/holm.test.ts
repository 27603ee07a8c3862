import { describe, expect, it } from "vitest";
import { holm } from "../../../src/stats/holm.js";

describe("Holm's step-down (Holm 1979)", () => {
  it("gives R's p.adjust(method = 'holm') values and rejects in step-down order", () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
    const h = holm([0.01, 0.04, 0.03, 0.005], 0.05);
    expect(h.adjusted.map((x) => Number(x!.toFixed(12)))).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(h.level).toEqual([0.05 / 3, 0.05 / 1, 0.05 / 2, 0.05 / 4]);
    // 0.005 ≤ 0.0125, 0.01 ≤ 0.0167, then 0.03 > 0.025 stops: 0.04 is not rejected though 0.04 ≤ 0.05.
    expect(h.reject).toEqual([true, false, false, true]);
    for (let i = 0; i < 4; i++) expect(h.reject[i]).toBe(h.adjusted[i]! <= 0.05);
  });

  it("counts a missing p-value in m and never rejects it", () => {
    const h = holm([0.02, null], 0.05);
    expect(h.level[0]).toBe(0.025);
    expect(h.reject).toEqual([true, false]);
    expect(h.level[1]).toBeNull();
    expect(h.adjusted[1]).toBeNull();
  });

  it("is the plain test for one hypothesis", () => {
    expect(holm([0.049], 0.05).reject).toEqual([true]);
    expect(holm([0.051], 0.05).reject).toEqual([false]);
  });
});
