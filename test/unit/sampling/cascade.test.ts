import { describe, expect, it } from "vitest";
import { simulateCascade } from "../../../bench/sequential.js";
import { confidenceOf, needsEscalation, thresholdForBudget } from "../../../src/sampling/cascade.js";

describe("needsEscalation", () => {
  it("escalates an abstention", () => {
    expect(needsEscalation({ cheapLevel: null, threshold: 0.5 })).toBe(true);
    expect(needsEscalation({ cheapLevel: null, cheapDistribution: [0, 1, 0], threshold: 0.5 })).toBe(true);
  });

  it("escalates when the top probability is below the threshold", () => {
    const unsure = [0, 0, 0.1, 0.4, 0.35, 0.15, 0];
    const sure = [0, 0, 0, 0.05, 0.9, 0.05, 0];
    expect(needsEscalation({ cheapLevel: 4, cheapDistribution: unsure, threshold: 0.5 })).toBe(true);
    expect(needsEscalation({ cheapLevel: 5, cheapDistribution: sure, threshold: 0.5 })).toBe(false);
  });

  it("normalises an unnormalised distribution and escalates an all-zero one", () => {
    expect(confidenceOf([2, 2, 4])).toBe(0.5);
    expect(needsEscalation({ cheapLevel: 3, cheapDistribution: [0, 0, 0], threshold: 0.1 })).toBe(true);
  });

  it("without a distribution escalates only levels inside the band", () => {
    const at = (cheapLevel: number) => needsEscalation({ cheapLevel, threshold: 0.5, band: [4, 5] });
    expect([1, 2, 3, 4, 5, 6, 7].map(at)).toEqual([false, false, false, true, true, false, false]);
    expect(needsEscalation({ cheapLevel: 4, threshold: 0.5 })).toBe(false);
  });
});

describe("thresholdForBudget", () => {
  it("escalates abstentions first, then the least confident, within the share", () => {
    const conf = [0.9, 0.3, null, 0.5, 0.8];
    const t = thresholdForBudget(conf, 0.4);
    expect(t).toBe(0.5);
    expect(conf.filter((c) => c === null || c < t)).toHaveLength(2);
  });

  it("escalates everything when the budget allows it and nothing extra when abstentions use it up", () => {
    expect(thresholdForBudget([0.2, 0.4], 1)).toBe(Number.POSITIVE_INFINITY);
    expect(thresholdForBudget([null, null, 0.4, 0.9], 0.5)).toBe(0);
  });
});

describe("cascade on a simulated cheap (70%) and expensive (90%) critic", () => {
  it("halves expensive calls and loses at most 2 points of within-one agreement", () => {
    const r = simulateCascade({ items: 10000, budgetShare: 0.48, seed: "cascade-test" });
    expect(r.cheapAgreement).toBeGreaterThan(0.67);
    expect(r.cheapAgreement).toBeLessThan(0.73);
    expect(r.expensiveAgreement).toBeGreaterThan(0.88);
    expect(r.expensiveAgreement).toBeLessThan(0.92);
    expect(r.escalationRate).toBeLessThanOrEqual(0.5);
    expect(r.expensiveAgreement - r.cascadeAgreement).toBeLessThanOrEqual(0.02);
  });
});
