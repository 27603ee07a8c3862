import { describe, expect, it } from "vitest";
import { fmtMeanCi, fmtMs, fmtUsd, SIMULATED_STATEMENT } from "../../../src/report/format.js";
import { md, renderMarkdown } from "../../../src/report/markdown.js";
import { buildRunResult, PAYLOADS } from "../../fixtures/run-result.js";

/** Consecutive `|` lines form one table; every row must have as many cells as its header. */
function tables(text: string): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("|")) cur.push(line);
    else if (cur.length) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}
const cellCount = (row: string) => row.split(/(?<!\\)\|/).length - 2;

describe("renderMarkdown", () => {
  const r = buildRunResult();
  const text = renderMarkdown(r);

  it("has a header and every section the report promises", () => {
    expect(text).toContain(`# critic report: ${md(r.run)}`);
    expect(text).toContain(md(r.dataset));
    expect(text).toContain("- Status: complete");
    for (const h of ["## Scores by candidate and rubric", "## Ranking", "## Usage and latency", "## Ten worst-scored outputs", "## Ten slowest calls", "## Notes"]) {
      expect(text).toContain(h);
    }
    expect(text).not.toContain(SIMULATED_STATEMENT);
  });

  it("prints each cell's mean and interval, n and each critic's own mean from the RunResult", () => {
    for (const c of r.cells) {
      const row = text.split("\n").find((l) => l.startsWith(`| ${md(c.candidate)} | ${md(c.rubric)} |`));
      expect(row, `${c.candidate} x ${c.rubric}`).toBeDefined();
      expect(row).toContain(fmtMeanCi(c.mean, c.ci95));
      expect(row).toContain(`| ${c.n} |`);
      expect(row).toContain(c.distribution.join("/"));
      for (const k of r.critics) expect(row).toContain(c.criticMeans[k]!.toFixed(2));
    }
  });

  it("shows n/a for a model without a price, not $0", () => {
    for (const u of r.usage) {
      const row = text.split("\n").find((l) => l.startsWith(`| ${md(u.id)} | ${u.role} |`))!;
      expect(row).toContain(u.costUsd === null ? "| n/a |" : fmtUsd(u.costUsd));
      expect(row).toContain(fmtMs(u.latencyMs.p99));
    }
  });

  it("lists exactly ten worst outputs and ten slowest calls, slowest first", () => {
    const ts = tables(text);
    const worst = ts.find((t) => t[0].startsWith("| Item | Candidate | Rubric | Score"))!;
    const slow = ts.find((t) => t[0].startsWith("| Latency |"))!;
    expect(worst.length - 2).toBe(10);
    expect(slow.length - 2).toBe(10);
    const maxLatency = Math.max(...r.judgments.map((j) => j.latencyMs ?? 0));
    expect(slow[2]).toContain(fmtMs(maxLatency));
  });

  it("states plainly that a simulated run is simulated, and why an incomplete run stopped", () => {
    const s = renderMarkdown(buildRunResult({ simulated: true, complete: false }));
    expect(s).toContain(SIMULATED_STATEMENT);
    expect(s).toContain("Incomplete run");
    expect(s).toContain("budget: $0.50 cap reached");
  });

  it("keeps every table intact when outputs and ids carry injection payloads", () => {
    const s = renderMarkdown(buildRunResult({ hostile: true }));
    for (const t of tables(s)) {
      const n = cellCount(t[0]);
      for (const row of t) expect(cellCount(row), row).toBe(n);
    }
    // A "<" is only ever present backslash-escaped, so no tag can open.
    expect(s).not.toMatch(/(?<!\\)<(?!sub>|\/sub>)/);
    expect(s).not.toMatch(/(?<!\\)`code(?<!\\)`/);
    expect(s).toContain("\\| broken \\| table second line \\`code\\`");
  });

  it("drops the ranking section with a single candidate", () => {
    const r1 = buildRunResult();
    r1.candidates = r1.candidates.slice(0, 1);
    expect(renderMarkdown(r1)).not.toContain("## Ranking");
  });
});

describe("md escaping", () => {
  it("neutralises pipes, newlines, backticks and leading HTML", () => {
    expect(md("a|b\nc `d` <b>")).toBe("a\\|b c \\`d\\` \\<b\\>");
    expect(md(PAYLOADS.attr)).not.toMatch(/(?<!\\)</);
  });
});
