/** The gate section of report.html: verdict banner, one row per gate, worst items of failed gates. */
import type { RunResult } from "../run-result.js";
import { fmtInterval, fmtNum, fmtSigned, preview } from "./format.js";
import { gateEstimate, gateRule, gateVerdict, gatesCorrectionSentence } from "./gates.js";
import { type Cell, htmlTable, numCell } from "./html-assets.js";
import { esc } from "./html-svg.js";

export function gatesSection(r: RunResult): string {
  const gates = r.gates ?? [];
  if (gates.length === 0) return "";
  const failed = gates.some((g) => !g.pass);
  const cols = [{ label: "Result" }, { label: "Gate" }, { label: "Estimate", num: true }, { label: "95% CI", num: true }, { label: "Passes when" }, { label: "n", num: true }, { label: "Detail" }];
  const rows = gates.map((o): Cell[] => [
    { html: o.pass ? '<span class="gate pass">pass</span>' : `<span class="gate fail">${o.verdict === "cannot tell" ? "cannot tell" : "fail"}</span>`, sort: o.pass ? 1 : 0 },
    o.name,
    numCell(o.estimate, gateEstimate(o)),
    { text: fmtInterval(o.interval), cls: "num" },
    gateRule(o),
    numCell(o.n, String(o.n)),
    { text: o.message, cls: "msg" },
  ]);
  const details = gates
    .filter((o) => !o.pass && o.worst.length)
    .map((o) => {
      const cmp = o.gate.type === "compare";
      const wcols = cmp ? [{ label: "Item" }, { label: "Score", num: true }, { label: "Baseline", num: true }, { label: "Difference", num: true }, { label: "Output" }] : [{ label: "Item" }, { label: "Score", num: true }, { label: "Output" }];
      const wrows = o.worst.map((w): Cell[] =>
        cmp
          ? [w.item, numCell(w.score, fmtNum(w.score)), numCell(w.baseline, fmtNum(w.baseline)), numCell(w.diff, fmtSigned(w.diff)), { text: preview(w.outputPreview, 160), cls: "preview" }]
          : [w.item, numCell(w.score, fmtNum(w.score)), { text: preview(w.outputPreview, 160), cls: "preview" }],
      );
      return `<h3>Worst items behind: ${esc(o.name)}</h3>${htmlTable(`gate-worst-${gates.indexOf(o)}`, wcols, wrows)}`;
    });
  const correction = gatesCorrectionSentence(gates);
  return `<section id="gates"><h2>Quality gates</h2><div class="banner ${failed ? "gates-fail" : "gates-pass"}" role="${failed ? "alert" : "status"}">${esc(gateVerdict(gates))}</div>${htmlTable("gates-table", cols, rows)}
<p class="caption">Each gate is decided on a 95% interval, not the point estimate: a mean gate on the interval's bound, a comparison on the lower bound of the paired difference candidate − baseline.${correction ? ` ${esc(correction)}` : ""}</p>${details.join("\n")}</section>`;
}
