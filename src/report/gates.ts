/**
 * The gate table shared by the Markdown report and the GitHub step summary. Gate names and
 * item previews come from config and data, so they go through `md()` like everything else.
 */
import type { GateOutcome } from "../gates/types.js";
import type { RunResult } from "../run-result.js";
import { fmtInterval, fmtNum, fmtSigned, preview } from "./format.js";
import { md } from "./markdown.js";

const RULE: Record<GateOutcome["rule"], string> = { "lower>=": "lower bound ≥", "upper<=": "upper bound ≤", "lower>": "lower bound >" };

export function gateRule(o: GateOutcome): string {
  return `${RULE[o.rule]} ${o.gate.type === "compare" ? fmtSigned(o.threshold) : fmtNum(o.threshold)}`;
}

export function gateEstimate(o: GateOutcome): string {
  return o.gate.type === "compare" ? fmtSigned(o.estimate) : fmtNum(o.estimate);
}

/** "1 of 3 gates failed" / "all 3 gates passed". */
export function gateVerdict(gates: readonly GateOutcome[]): string {
  const failed = gates.filter((g) => !g.pass).length;
  return failed ? `${failed} of ${gates.length} gate${gates.length === 1 ? "" : "s"} failed` : `all ${gates.length} gate${gates.length === 1 ? "" : "s"} passed`;
}

/** `## Quality gates`: the table, then the worst items behind each failed gate. */
export function gatesMarkdown(r: RunResult, heading = "##"): string[] {
  const gates = r.gates ?? [];
  if (gates.length === 0) return [];
  const rows = gates.map((o) => [o.pass ? "✅ pass" : "❌ **fail**", md(o.name), gateEstimate(o), fmtInterval(o.interval), gateRule(o), String(o.n)]);
  const out = [
    `${heading} Quality gates: ${gateVerdict(gates)}`,
    "",
    "| Result | Gate | Estimate | 95% CI | Passes when | n |",
    "| --- | --- | ---: | ---: | --- | ---: |",
    ...rows.map((c) => `| ${c.join(" | ")} |`),
    "",
  ];
  for (const o of gates.filter((g) => !g.pass)) {
    out.push(`**${md(o.name)}**: ${md(o.message)}`, "");
    if (o.worst.length) {
      const cmp = o.gate.type === "compare";
      out.push(cmp ? "| Item | Score | Baseline | Difference | Output |" : "| Item | Score | Output |", cmp ? "| --- | ---: | ---: | ---: | --- |" : "| --- | ---: | --- |");
      for (const w of o.worst) {
        const cells = cmp ? [md(w.item), fmtNum(w.score), fmtNum(w.baseline), fmtSigned(w.diff), md(preview(w.outputPreview, 80))] : [md(w.item), fmtNum(w.score), md(preview(w.outputPreview, 80))];
        out.push(`| ${cells.join(" | ")} |`);
      }
      out.push("");
    }
  }
  return out;
}
