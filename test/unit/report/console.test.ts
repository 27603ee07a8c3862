import { describe, expect, it } from "vitest";
import { renderConsole } from "../../../src/report/console.js";
import { fmtInt, fmtMeanCi, fmtMs, fmtUsd, SIMULATED_STATEMENT } from "../../../src/report/format.js";
import { buildRunResult, PAYLOADS } from "../../fixtures/run-result.js";

describe("renderConsole", () => {
  const r = buildRunResult();
  const text = renderConsole(r);

  it("shows every candidate x rubric mean with its interval and the run totals", () => {
    for (const c of r.cells) expect(text).toContain(fmtMeanCi(c.mean, c.ci95));
    expect(text).toContain(fmtInt(r.totals.judgments));
    expect(text).toContain(fmtUsd(r.totals.costUsd));
    expect(text).toContain(fmtMs(r.totals.latencyMs.p50));
    expect(text).toContain(fmtMs(r.totals.latencyMs.p95));
    expect(text).not.toContain(SIMULATED_STATEMENT);
  });

  it("ranks the candidates per rubric, saying which neighbours are decided at 95%", () => {
    const r = buildRunResult();
    const text = renderConsole(r);
    for (const rub of r.rubrics) {
      const order = r.ranking.filter((e) => e.rubric === rub.id).sort((a, b) => a.rank - b.rank).map((e) => e.candidate);
      const line = text.split("\n").find((l) => l.startsWith(`Ranking on ${rub.id}:`));
      expect(line, rub.id).toBeDefined();
      expect(line!.replace(/^Ranking on [^:]+: /, "").replace(/\s+\(> decided.*$/, "").split(/ [>≈] /).map((s) => s.trim().split(" ")[0])).toEqual(order);
    }
  });

  it("is plain text by default and coloured on request", () => {
    expect(text).not.toContain("\u001b[");
    expect(renderConsole(buildRunResult({ simulated: true }), { color: true })).toContain("\u001b[");
  });

  it("says a simulated run is simulated and why an incomplete run stopped", () => {
    const s = renderConsole(buildRunResult({ simulated: true, complete: false }));
    expect(s).toContain(SIMULATED_STATEMENT);
    expect(s).toContain("budget: $0.50 cap reached");
  });

  it("strips terminal control sequences from ids", () => {
    const h = buildRunResult();
    h.dataset = "data\u001b[2J\u001b[31mred.csv";
    const s = renderConsole(h);
    expect(s).not.toContain("\u001b");
    expect(s).toContain("datared.csv");
    expect(renderConsole(buildRunResult({ hostile: true }))).toContain(PAYLOADS.script.slice(0, 8));
  });
});
