import { describe, expect, it } from "vitest";
import { renderSummaryJson } from "../../../src/report/json.js";
import { buildRunResult, PAYLOADS } from "../../fixtures/run-result.js";

describe("summary.json", () => {
  const r = buildRunResult({ simulated: true, complete: false });
  const text = renderSummaryJson(r);
  const s = JSON.parse(text);

  it("carries the required totals at top level", () => {
    expect(s).toMatchObject({
      run: r.run,
      judgments: r.totals.judgments,
      calls: r.totals.calls,
      cacheHits: r.totals.cacheHits,
      abstentions: r.totals.abstentions,
      failed: r.totals.failed,
      costUsd: r.totals.costUsd,
      latencyMs: r.totals.latencyMs,
      complete: false,
      stopReason: r.stopReason,
      simulated: true,
      dataset: r.dataset,
      critics: r.critics,
      candidates: r.candidates,
    });
    expect(Object.keys(s.latencyMs)).toEqual(["p50", "p95", "p99", "max"]);
  });

  it("has per candidate x rubric cells, usage, pairwise and ranking but not the per-judgment rows", () => {
    expect(s.cells).toEqual(r.cells);
    expect(s.cells[0]).toHaveProperty("ci95");
    expect(s.usage).toEqual(r.usage);
    expect(s.pairwise).toHaveLength(r.pairwise.length);
    expect(s.ranking).toHaveLength(r.ranking.length);
    expect(s).not.toHaveProperty("scores");
    expect(Array.isArray(s.judgments)).toBe(false);
  });

  it("keeps unknown costs as null, not 0", () => {
    const unpriced = s.usage.find((u: { id: string }) => u.id === "openai:qwen2.5-7b-local");
    expect(unpriced.costUsd).toBeNull();
  });

  it("stores hostile strings as inert JSON values that read back unchanged", () => {
    const h = buildRunResult({ hostile: true });
    const out = renderSummaryJson(h);
    expect(out).not.toContain("<script>");
    expect(out).not.toContain("<img");
    expect(JSON.parse(out).notes).toEqual(h.notes);
    expect(JSON.parse(out).candidates).toContain(PAYLOADS.script);
  });
});
