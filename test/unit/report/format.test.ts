import { describe, expect, it } from "vitest";
import { fmtInterval, fmtMeanCi, fmtMs, fmtNum, fmtSigned, fmtTotalCost, fmtUsd, NA, preview, sparkline } from "../../../src/report/format.js";
import { buildRunResult } from "../../fixtures/run-result.js";

describe("report number formatting", () => {
  it("renders missing values as n/a, never as 0", () => {
    expect(fmtNum(null)).toBe(NA);
    expect(fmtNum(Number.NaN)).toBe(NA);
    expect(fmtUsd(null)).toBe(NA);
    expect(fmtMs(null)).toBe(NA);
    expect(fmtInterval(null)).toBe(NA);
    expect(fmtMeanCi(null, { lo: 1, hi: 2 })).toBe(NA);
    expect(fmtSigned(null)).toBe(NA);
  });

  it("shows a mean without an interval when there is none (n < 2), not ±0", () => {
    expect(fmtMeanCi(4.5, null)).toBe("4.50");
    expect(fmtMeanCi(4.5, { lo: 4.1, hi: 4.9 })).toBe("4.50 [4.10, 4.90]");
  });

  it("keeps small dollar amounts visible and real zero as $0", () => {
    expect(fmtUsd(0)).toBe("$0");
    expect(fmtUsd(0.0042)).toBe("$0.0042");
    expect(fmtUsd(1.2e-7)).toBe("$0.00000012");
    expect(fmtUsd(0.1234)).toBe("$0.123");
    expect(fmtUsd(12.345)).toBe("$12.35");
    expect(fmtUsd(1234.4)).toBe("$1,234");
  });

  it("formats latency in ms, seconds or minutes", () => {
    expect(fmtMs(840.4)).toBe("840 ms");
    expect(fmtMs(1234)).toBe("1.23 s");
    expect(fmtMs(150_000)).toBe("2.5 min");
  });

  it("flags a total cost that leaves unpriced models out", () => {
    const r = buildRunResult({ generated: true });
    const unpriced = r.usage.filter((u) => u.costUsd === null).length;
    expect(unpriced).toBeGreaterThan(0);
    expect(fmtTotalCost(r.totals.costUsd, r.usage)).toBe(`${fmtUsd(r.totals.costUsd)} (${unpriced} models unpriced)`);
    expect(fmtTotalCost(null, r.usage)).toBe(NA);
  });

  it("collapses newlines in previews and draws one bar per level", () => {
    expect(preview("a\n\nb\tc", 80)).toBe("a b c");
    expect(preview("x".repeat(100), 10)).toHaveLength(10);
    expect(sparkline([0, 1, 8])).toBe("·▁█");
  });
});
