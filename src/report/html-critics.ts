/** report.html sections for how the critics were combined and where the money went. */
import type { RunResult } from "../run-result.js";
import { fmtInterval, fmtNum, fmtPct, fmtSigned, fmtUsd } from "./format.js";
import { type Cell, htmlTable, numCell } from "./html-assets.js";
import { esc } from "./html-svg.js";
import { lengthMeaning, lengthPairRows } from "./critic-diagnostics.js";

export function criticsHtml(r: RunResult): string {
  if (!r.labelModels.length && !r.calibration.length && !r.diagnostics) return "";
  const parts = r.labelModels.map((lm) => {
    const alpha = r.criticAgreement.find((a) => a.rubric === lm.rubric)?.alpha ?? null;
    const critics = htmlTable(`critics-${lm.rubric}`, [{ label: "Critic" }, { label: "Leniency", num: true }, { label: "Noise (sd)", num: true }], lm.critics.map((c): Cell[] => [c.id, numCell(c.bias, fmtSigned(c.bias)), numCell(c.spread, fmtNum(c.spread))]));
    const cal = r.calibration.filter((c) => c.rubric === lm.rubric);
    const calTable = cal.length
      ? `${htmlTable(
          `calibration-${lm.rubric}`,
          [{ label: "Who" }, { label: "n", num: true }, { label: "MAE", num: true }, { label: "Exact", num: true }, { label: "Within one", num: true }, { label: "QWK", num: true }, { label: "Spearman", num: true }, { label: "Kendall tau-b", num: true }],
          cal.map((c): Cell[] => [c.who, numCell(c.n, String(c.n)), numCell(c.mae, fmtNum(c.mae)), numCell(c.exact, fmtPct(c.exact)), numCell(c.withinOne, fmtPct(c.withinOne)), numCell(c.qwk, fmtNum(c.qwk)), numCell(c.spearman, fmtNum(c.spearman)), numCell(c.kendallTauB, fmtNum(c.kendallTauB))]),
        )}<ul class="notes">${cal.map((c) => `<li>${esc(c.sentence)}</li>`).join("")}</ul>`
      : "";
    return `<h3>${esc(lm.rubric)}</h3><p>Estimates: <strong>${esc(lm.method)}</strong>${lm.reason ? `: ${esc(lm.reason)}` : ""}</p>${r.critics.length > 1 ? `<p>Krippendorff's ordinal alpha among the critics: ${esc(fmtNum(alpha, 3))}. Leniency is relative to the average critic.</p>${critics}` : ""}${calTable}`;
  });
  parts.push(diagnosticsHtml(r));
  return `<section id="critics"><h2>Critics</h2>${parts.join("\n")}</section>`;
}

/** Judge biases measured on this run, as in report.md. */
function diagnosticsHtml(r: RunResult): string {
  const d = r.diagnostics;
  if (!d) return "";
  return r.rubrics
    .map((rubric) => {
      const len = d.length.filter((x) => x.rubric === rubric.id);
      const pairs = lengthPairRows(r, rubric.id);
      if (!len.length && !pairs.length) return "";
      const slopes = htmlTable(
        `length-${rubric.id}`,
        [{ label: "Critic" }, { label: "Outputs", num: true }, { label: "Levels per 1,000 chars", num: true }, { label: "95% interval" }, { label: "What it means" }],
        len.map((x): Cell[] => [x.critic, numCell(x.n, String(x.n)), numCell(x.slope, fmtSigned(x.slope)), fmtInterval(x.ci95), lengthMeaning(x.slope, x.ci95)]),
      );
      const compare = pairs.length
        ? htmlTable(
            `length-controlled-${rubric.id}`,
            [{ label: "A − B" }, { label: "Diff", num: true }, { label: "95% interval" }, { label: "Win rate", num: true }, { label: "Diff at equal length", num: true }, { label: "95% interval" }, { label: "Win rate at equal length", num: true }, { label: "Verdict" }, { label: "Verdict at equal length" }],
            pairs.map((p): Cell[] => {
              const lc = p.pair.lengthControlled;
              return [`${p.pair.a} − ${p.pair.b}`, numCell(p.pair.meanDiff, fmtSigned(p.pair.meanDiff)), fmtInterval(p.pair.diffCi95), numCell(p.pair.winRate, fmtPct(p.pair.winRate)), numCell(lc?.meanDiff ?? null, fmtSigned(lc?.meanDiff)), fmtInterval(lc?.diffCi95), numCell(lc?.winRate ?? null, fmtPct(lc?.winRate)), p.raw, p.controlled];
            }),
          )
        : "";
      const warnings = pairs.filter((p) => p.warning).map((p) => `<p class="warning"><strong>Warning:</strong> ${esc(p.warning!)}</p>`);
      return `<h3>Length effect on ${esc(rubric.id)}</h3><p>Change in the level per 1,000 extra characters, estimated within items and candidates, with 95% intervals.</p>${slopes}${compare}${warnings.join("")}`;
    })
    .join("\n");
}

export function spendHtml(r: RunResult): string {
  const parts: string[] = [];
  const s = r.sequential;
  if (s) {
    parts.push(
      `<h3>Sequential comparison</h3><p><strong>${esc(`${s.a} vs ${s.b} on ${s.rubric}: ${s.decision}`)}</strong> at ${(s.confidence * 100).toFixed(0)}% confidence, after ${s.itemsJudged} of ${s.itemsTotal} items and ${s.calls} of ${s.callsExhaustive} calls. Estimate A − B ${esc(fmtNum(s.estimate))}, confidence sequence ${esc(fmtInterval(s.cs))}.</p>`,
    );
  }
  const c = r.cascade;
  if (c) {
    parts.push(
      `<h3>Cascade</h3><p>${esc(c.cheap)} judged ${c.units} outputs; ${esc(c.expensive)} was called on ${c.expensiveCalls}, saving ${c.expensiveCallsSaved} calls (${esc(fmtUsd(c.usdSaved))}). On ${c.agreement.n} audited outputs the cascade is within one level of ${esc(c.expensive)} ${esc(fmtPct(c.agreement.cascadeWithinOne))} of the time (the cheap critic alone: ${esc(fmtPct(c.agreement.cheapWithinOne))}).</p>`,
    );
  }
  const rows = [
    ...Object.entries(r.cost.byCritic).map(([k, v]): Cell[] => ["critic", k, numCell(v, fmtUsd(v))]),
    ...Object.entries(r.cost.byCandidate).map(([k, v]): Cell[] => ["candidate", k, numCell(v, fmtUsd(v))]),
    ...Object.entries(r.cost.byRubric).map(([k, v]): Cell[] => ["rubric", k, numCell(v, fmtUsd(v))]),
  ];
  if (rows.length) parts.push(`<h3>Dollars</h3>${htmlTable("cost-table", [{ label: "By" }, { label: "Which" }, { label: "Dollars", num: true }], rows)}<p class="caption">Saved by the cache: ${esc(fmtUsd(r.cost.cacheSavedUsd))}.${r.cost.batch ? ` Saved by the batch APIs: ${esc(fmtUsd(r.cost.batchSavedUsd))}.` : ""}</p>`);
  return parts.length ? `<section id="spend"><h2>Spend</h2>${parts.join("\n")}</section>` : "";
}
