import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { evaluateGates } from "../../../src/gates/evaluate.js";
import type { Gate } from "../../../src/gates/types.js";
import { renderConsole } from "../../../src/report/console.js";
import { renderHtml } from "../../../src/report/html.js";
import { renderSummaryJson } from "../../../src/report/json.js";
import { renderJunit } from "../../../src/report/junit.js";
import { renderMarkdown } from "../../../src/report/markdown.js";
import { renderStepSummary } from "../../../src/report/step-summary.js";
import { buildRunResult, PAYLOADS } from "../../fixtures/run-result.js";

const GATES: Gate[] = [
  { type: "mean", candidate: "prompt-v2", rubric: "helpfulness", atLeast: 1 },
  { type: "compare", candidate: "llama-3.1-8b", baseline: "prompt-v2", rubric: "helpfulness", notWorseBy: 0.1 },
  { type: "mean", candidate: "baseline", rubric: "faithfulness", atMost: 7, name: `odd <name> & "${PAYLOADS.pipe}"` },
];
const r = buildRunResult();
r.gates = evaluateGates(r, GATES);

/** Consecutive `|` lines are one table: each must have a header, a separator, and rows of the header's width (a table may have no rows). */
function checkTables(text: string): string[][] {
  const tables: string[][] = [];
  let cur: string[] = [];
  for (const line of [...text.split("\n"), ""]) {
    if (line.startsWith("|")) cur.push(line);
    else if (cur.length) {
      tables.push(cur);
      cur = [];
    }
  }
  const width = (row: string) => row.split(/(?<!\\)\|/).length - 2;
  for (const t of tables) {
    expect(t.length).toBeGreaterThanOrEqual(2);
    expect(t[1]).toMatch(/^\|( ?:?-{3,}:? ?\|)+$/);
    for (const row of t) expect(width(row)).toBe(width(t[0]));
  }
  return tables;
}

describe("JUnit XML", () => {
  const text = renderJunit(r);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "testcase" || name === "testsuite" }).parse(text);

  it("is well-formed XML of the shape testsuites > testsuite > testcase > failure", () => {
    expect(XMLValidator.validate(text)).toBe(true);
    expect(Object.keys(doc)).toEqual(["?xml", "testsuites"]);
    expect(doc.testsuites.testsuite).toHaveLength(1);
  });

  it("has one testcase per gate and counts that agree with the failures", () => {
    const suite = doc.testsuites.testsuite[0];
    const failures = r.gates!.filter((g) => !g.pass).length;
    expect(failures).toBe(1);
    for (const el of [doc.testsuites, suite]) {
      expect(el.tests).toBe("3");
      expect(el.failures).toBe(String(failures));
      expect(el.errors).toBe("0");
      expect(Number(el.time)).toBeGreaterThanOrEqual(0);
    }
    expect(suite.testcase.map((c: { name: string }) => c.name)).toEqual(r.gates!.map((g) => g.name));
    const failed = suite.testcase.filter((c: { failure?: unknown }) => c.failure);
    expect(failed).toHaveLength(1);
    expect(failed[0].failure.message).toBe(r.gates![1].message);
    expect(failed[0].failure["#text"]).toContain("Worst items");
  });

  it("escapes names that would break the XML", () => {
    expect(text).toContain("odd &lt;name&gt; &amp; &quot;");
    expect(text).not.toContain("<name>");
  });
});

describe("GitHub step summary", () => {
  const text = renderStepSummary(r);

  it("puts the gate verdict and table before the scores, as valid Markdown tables", () => {
    const tables = checkTables(text);
    expect(tables[0][0]).toBe("| Result | Gate | Estimate | 95% CI | Passes when | n |");
    expect(tables[0]).toHaveLength(2 + GATES.length);
    expect(text.indexOf("Quality gates: 1 of 3 gates failed")).toBeLessThan(text.indexOf("#### Scores"));
    expect(text).toContain("❌ **fail**");
    expect(text).toContain(`**${"llama-3.1-8b vs prompt-v2 on helpfulness: not worse by 0.1"}**`);
  });

  it("escapes data so it cannot break a table", () => {
    expect(text).toContain("odd \\<name\\> \\& \"\\| broken \\| table second line \\`code\\`\"");
  });
});

describe("gate tables in the reports", () => {
  it("report.md starts with the gates", () => {
    const md = renderMarkdown(r);
    checkTables(md);
    expect(md.indexOf("## Quality gates")).toBeLessThan(md.indexOf("## Scores by candidate and rubric"));
  });

  it("report.html has a gates section with a sortable table, escaped", () => {
    const html = renderHtml(r);
    expect(html).toContain('<section id="gates">');
    expect(html).toContain('<table id="gates-table" class="sortable">');
    expect(html.match(/<span class="gate fail">/g)).toHaveLength(1);
    expect(html).toContain('<a href="#gates">Gates</a>');
    expect(html).not.toContain("<name>");
  });

  it("say whether the gates were corrected for being several, in report.md and report.html", () => {
    expect(renderMarkdown(r)).toContain("not corrected for multiplicity: over 3 gates the chance that at least one passes wrongly can reach 15% (set gatesCorrection: holm)");
    const corrected = buildRunResult();
    corrected.gates = evaluateGates(corrected, GATES, { familywise: "holm" });
    expect(renderMarkdown(corrected)).toContain("Gates decided with Holm's correction over the 3 gates");
    expect(renderHtml(corrected)).toContain("Holm&#39;s correction over the 3 gates");
    const one = buildRunResult();
    one.gates = evaluateGates(one, GATES.slice(0, 1));
    expect(renderMarkdown(one)).not.toMatch(/\d+ gates/);
  });

  it("the console summary lists each gate", () => {
    const out = renderConsole(r);
    expect(out).toContain("Quality gates: 1 of 3 gates failed");
    expect(out).toMatch(/FAIL.*llama-3\.1-8b vs prompt-v2 on helpfulness: not worse by 0\.1/);
  });

  it("summary.json carries the outcomes, and reports without gates are unchanged", () => {
    expect(JSON.parse(renderSummaryJson(r)).gates).toHaveLength(3);
    const plain = buildRunResult();
    expect(renderMarkdown(plain)).not.toContain("Quality gates");
    expect(renderHtml(plain)).not.toContain('id="gates"');
    expect(JSON.parse(renderSummaryJson(plain)).gates).toBeUndefined();
  });
});
