/**
 * The GitHub step summary ($GITHUB_STEP_SUMMARY): a compact report.md with the gates first,
 * then the scores, so the verdict is the first thing on the run's summary page.
 */
import type { RunResult } from "../run-result.js";
import { cellOf, pairOf, verdictOf } from "./derive.js";
import { fmtInt, fmtInterval, fmtMeanCi, fmtPct, fmtSigned, fmtTotalCost, SIMULATED_STATEMENT } from "./format.js";
import { gatesMarkdown } from "./gates.js";
import { md } from "./markdown.js";

export function renderStepSummary(r: RunResult): string {
  const out = [`### critic: run ${md(r.run)}`, ""];
  if (r.simulated) out.push(`> **${SIMULATED_STATEMENT}**`, "");
  if (!r.complete) out.push(`> **Incomplete run**: stopped early (${md(r.stopReason ?? "reason not recorded")}).`, "");
  out.push(...gatesMarkdown(r, "####"));
  out.push("#### Scores", "", "| Candidate | Rubric | Mean [95% CI] | n |", "| --- | --- | ---: | ---: |");
  for (const rub of r.rubrics) {
    for (const cand of r.candidates) {
      const c = cellOf(r, cand, rub.id);
      if (c) out.push(`| ${md(cand)} | ${md(rub.id)} | ${fmtMeanCi(c.mean, c.ci95)} | ${fmtInt(c.n)} |`);
    }
  }
  out.push("");
  // Adjacent pairs in candidate order only: the full matrix is in report.md.
  const pairs = r.rubrics.flatMap((rub) => r.candidates.slice(1).map((b, i) => pairOf(r, rub.id, b, r.candidates[i])).filter((p) => p !== null));
  if (pairs.length) {
    out.push("#### Paired differences", "", "| A − B | Rubric | Mean diff | 95% CI | Verdict | A win prob. (expected) |", "| --- | --- | ---: | ---: | --- | ---: |");
    for (const p of pairs) out.push(`| ${md(p.a)} − ${md(p.b)} | ${md(p.rubric)} | ${fmtSigned(p.meanDiff)} | ${fmtInterval(p.diffCi95)} | ${verdictOf(p) ?? "n/a"} | ${fmtPct(p.winRate, 0)} |`);
    out.push("", r.pairwiseCorrection === "holm" ? "Verdicts at 95% with Holm's correction over each rubric's pairs." : "Verdicts at 95% for each pair alone.");
    out.push("");
  }
  const t = r.totals;
  out.push(`${fmtInt(t.judgments)} judgments, ${fmtInt(t.calls)} calls, ${fmtInt(t.cacheHits)} cache hits, ${fmtInt(t.abstentions)} abstentions, ${fmtInt(t.failed)} failed; cost ${fmtTotalCost(t.costUsd, r.usage)}. Dataset: ${md(r.dataset)}.`, "");
  return `${out.join("\n")}\n`;
}
