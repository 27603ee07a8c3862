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

/** One sentence on whether the gates were corrected for being several; null for a single gate. */
export function gatesCorrectionSentence(gates: readonly GateOutcome[]): string | null {
  if (gates.length < 2) return null;
  const holm = gates.find((g) => g.familywise)?.familywise;
  if (holm) return `Gates decided with Holm's correction over the ${holm.gates} gates: the chance that any gate passes wrongly stays at 5% or less.`;
  return `Each gate is decided at 95% on its own, not corrected for multiplicity: over ${gates.length} gates the chance that at least one passes wrongly can reach ${Math.min(100, 5 * gates.length)}% (set gatesCorrection: holm).`;
}

/** `## Quality gates`: the table, then the worst items behind each failed gate. */
export function gatesMarkdown(r: RunResult, heading = "##"): string[] {
  const gates = r.gates ?? [];
  if (gates.length === 0) return [];
  const rows = gates.map((o) => [o.pass ? "✅ pass" : o.verdict === "cannot tell" ? "❔ **cannot tell**" : "❌ **fail**", md(o.name), gateEstimate(o), fmtInterval(o.interval), gateRule(o), String(o.n)]);
  const out = [
    `${heading} Quality gates: ${gateVerdict(gates)}`,
    "",
    "| Result | Gate | Estimate | 95% CI | Passes when | n |",
    "| --- | --- | ---: | ---: | --- | ---: |",
    ...rows.map((c) => `| ${c.join(" | ")} |`),
    "",
  ];
  const correction = gatesCorrectionSentence(gates);
  if (correction) out.push(correction, "");
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
