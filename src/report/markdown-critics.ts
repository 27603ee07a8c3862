import type { RunResult } from "../run-result.js";
import { NA, fmtInterval, fmtNum, fmtPct } from "./format.js";
import { md, table } from "./md-table.js";
import { lengthMeaning, lengthPairRows } from "./critic-diagnostics.js";

const signed = (x: number | null) => (x == null ? NA : `${x >= 0 ? "+" : ""}${x.toFixed(2)}`);

/** How the critics were combined, how much they agree, and how far each one is from the human labels. */
export function criticsSection(r: RunResult): string[] {
  if (!r.labelModels.length && !r.calibration.length && !r.diagnostics) return [];
  const out = ["## Critics", ""];
  for (const lm of r.labelModels) {
    const alpha = r.criticAgreement.find((a) => a.rubric === lm.rubric)?.alpha ?? null;
    out.push(`### ${md(lm.rubric)}`, "", `Estimates: **${md(lm.method)}**${lm.reason ? `: ${md(lm.reason)}` : ""}`, "");
    if (r.critics.length > 1) {
      out.push(`Agreement among the critics (Krippendorff's ordinal alpha): ${fmtNum(alpha, 3)}${alpha != null ? (alpha >= 0.8 ? " (reliable)" : alpha >= 0.667 ? " (tentative)" : " (low: the critics disagree; trust the aggregate less)") : ""}.`, "");
      const rows = lm.critics.map((c) => [md(c.id), signed(c.bias), fmtNum(c.spread)]);
      out.push("Each critic as the label model estimates it from the critics' agreement (no gold needed): leniency relative to the average critic (+ = scores higher) and noise, in levels.", "", table(["Critic", "Leniency", "Noise (sd)"], rows, ["l", "r", "r"]), "");
    }
    const cal = r.calibration.filter((c) => c.rubric === lm.rubric);
    if (cal.length) {
      const rows = cal.map((c) => [md(c.who), String(c.n), fmtNum(c.mae), fmtPct(c.exact), fmtPct(c.withinOne), fmtNum(c.qwk), fmtNum(c.spearman), fmtNum(c.kendallTauB)]);
      out.push(
        "Against the human gold labels (the aggregate here is fitted without the gold, so the comparison is fair):",
        "",
        table(["Who", "n", "MAE", "Exact", "Within one", "QWK", "Spearman", "Kendall tau-b"], rows, ["l", "r", "r", "r", "r", "r", "r", "r"]),
        "",
        ...cal.map((c) => `- ${md(c.sentence)}`),
        "",
      );
    }
    const ppi = r.cells.filter((c) => c.rubric === lm.rubric && c.ppi);
    if (ppi.length) {
      const rows = ppi.map((c) => [md(c.candidate), String(c.ppi!.nGold), fmtNum(c.ppi!.estimate), `[${c.ppi!.ci95.lo.toFixed(2)}, ${c.ppi!.ci95.hi.toFixed(2)}]`, c.ppi!.classicalCi95 ? `[${c.ppi!.classicalCi95.lo.toFixed(2)}, ${c.ppi!.classicalCi95.hi.toFixed(2)}]` : NA, fmtNum(c.ppi!.lambda)]);
      out.push(
        "Human-scale means (PPI++): the critics' estimate on every output, corrected by the outputs with gold labels; valid however good the critics are, and narrower than gold alone when they track the humans.",
        "",
        table(["Candidate", "Gold labels", "Estimate", "95% interval (human scale)", "Gold-only 95% interval", "lambda"], rows, ["l", "r", "r", "r", "r", "r"]),
        "",
      );
    }
  }
  out.push(...diagnosticsSection(r));
  return out;
}

/** Judge biases measured on this run: length effect (and the comparisons at equal length). */
function diagnosticsSection(r: RunResult): string[] {
  const d = r.diagnostics;
  if (!d) return [];
  const out: string[] = [];
  for (const rubric of r.rubrics) {
    const len = d.length.filter((x) => x.rubric === rubric.id);
    const pairs = lengthPairRows(r, rubric.id);
    if (!len.length && !pairs.length) continue;
    out.push(`### Length effect on ${md(rubric.id)}`, "");
    out.push(
      "Change in the level per 1,000 extra characters of output, estimated within items and candidates (a candidate that is better and also longer does not count as bias), with 95% intervals.",
      "",
      table(["Critic", "Outputs", "Levels per 1,000 chars", "95% interval", "What it means"], len.map((x) => [md(x.critic), String(x.n), signed(x.slope), fmtInterval(x.ci95), md(lengthMeaning(x.slope, x.ci95))]), ["l", "r", "r", "r", "l"]),
      "",
    );
    if (pairs.length) {
      const rows = pairs.map((p) => {
        const lc = p.pair.lengthControlled;
        return [md(`${p.pair.a} − ${p.pair.b}`), signed(p.pair.meanDiff), fmtInterval(p.pair.diffCi95), fmtPct(p.pair.winRate), signed(lc?.meanDiff ?? null), fmtInterval(lc?.diffCi95), fmtPct(lc?.winRate ?? null), md(p.raw), md(p.controlled)];
      });
      out.push(
        "Each comparison as scored and at equal length (the length-controlled difference removes the slope of the combined score times the length difference, item by item):",
        "",
        table(["A − B", "Diff", "95% interval", "Win rate", "Diff at equal length", "95% interval", "Win rate at equal length", "Verdict", "Verdict at equal length"], rows, ["l", "r", "r", "r", "r", "r", "r", "l", "l"]),
        "",
      );
      for (const p of pairs) if (p.warning) out.push(`> **Warning:** ${md(p.warning)}`, "");
    }
  }
  return out;
}
