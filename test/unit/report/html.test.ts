import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cheapestNotWorse } from "../../../src/report/derive.js";
import { fmtMeanCi, SIMULATED_STATEMENT } from "../../../src/report/format.js";
import { renderHtml } from "../../../src/report/html.js";
import { buildRunResult, PAYLOADS } from "../../fixtures/run-result.js";

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
/** The markup of every `svg.chart.<kind>`, up to its closing tag. */
const svgs = (s: string, kind: string) => s.match(new RegExp(`<svg class="chart ${kind}"[\\s\\S]*?</svg>`, "g")) ?? [];

describe("renderHtml", () => {
  const r = buildRunResult();
  const html = renderHtml(r);

  it("is one self-contained file: no external scripts, styles, fonts or images", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*"(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(count(html, /<script\b/g)).toBe(1);
    expect(count(html, /<style\b/g)).toBe(1);
  });

  it("allows only its own script by hash, and that script never parses markup", () => {
    const script = html.match(/<script>([\s\S]*?)<\/script>/)![1];
    const hash = createHash("sha256").update(script).digest("base64");
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain("default-src 'none'");
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });

  it("draws one distribution chart per candidate x rubric with one bar per level", () => {
    const charts = svgs(html, "dist");
    expect(charts).toHaveLength(r.cells.length);
    for (const c of r.cells) {
      const chart = charts.find((s) => s.includes(`data-candidate="${c.candidate}" data-rubric="${c.rubric}"`))!;
      expect(count(chart, /<rect class="bar"/g)).toBe(7);
      for (const [i, n] of c.distribution.entries()) expect(chart).toContain(`data-level="${i + 1}" data-count="${n}"`);
    }
  });

  it("draws a ranking point and whisker per candidate and rubric", () => {
    const charts = svgs(html, "ranking");
    expect(charts).toHaveLength(r.rubrics.length);
    expect(charts.reduce((a, s) => a + count(s, /<circle class="point"/g), 0)).toBe(r.ranking.length);
    expect(charts.reduce((a, s) => a + count(s, /<line class="whisker"/g), 0)).toBe(r.ranking.filter((e) => e.ci95).length);
  });

  it("plots cost against quality for priced candidates and marks the cheapest not worse than the best", () => {
    // Candidates that generate their outputs have a cost to plot.
    const r = buildRunResult({ generated: true });
    const html = renderHtml(r);
    const charts = svgs(html, "scatter");
    expect(charts).toHaveLength(r.rubrics.length);
    const priced = r.usage.filter((u) => u.role === "candidate" && u.costUsd !== null).length;
    for (const [i, rub] of r.rubrics.entries()) {
      expect(count(charts[i], /<circle class="point/g)).toBe(priced);
      const pick = cheapestNotWorse(r, rub.id)!;
      expect(pick.pick).not.toBeNull();
      expect(charts[i]).toMatch(new RegExp(`class="point[^"]*\\bpick\\b[^"]*" data-candidate="${pick.pick}"`));
    }
    expect(html).toContain("Not plotted (cost unknown): llama-3.1-8b");
  });

  it("shows cell means with intervals, latency bars per model and sortable tables", () => {
    for (const c of r.cells) expect(html).toContain(fmtMeanCi(c.mean, c.ci95));
    expect(svgs(html, "latency")).toHaveLength(r.usage.length);
    expect(count(html, /<table id="[^"]+" class="sortable">/g)).toBeGreaterThanOrEqual(5);
    expect(html).toContain('id="worst-table"');
    expect(html).toContain('id="slowest-table"');
  });

  it("badges a simulated run and banners an incomplete one", () => {
    expect(html).not.toContain("badge simulated");
    expect(html).not.toContain('id="incomplete"');
    const s = renderHtml(buildRunResult({ simulated: true, complete: false }));
    expect(s).toContain('<span class="badge simulated"');
    expect(s).toContain(SIMULATED_STATEMENT);
    expect(s).toContain('id="incomplete"');
    expect(s).toContain("budget: $0.50 cap reached");
  });

  it("renders injection payloads as text", () => {
    const s = renderHtml(buildRunResult({ hostile: true }));
    expect(count(s, /<script\b/g)).toBe(1);
    expect(s).not.toContain("<img");
    expect(s).not.toMatch(/onerror=(?!alert\(1\)&gt;)/);
    expect(s).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(s).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(s).toContain(`data-candidate="&lt;script&gt;alert(1)&lt;/script&gt;"`);
    expect(s).toContain(PAYLOADS.formula.replaceAll('"', "&quot;"));
  });
});
