/**
 * report.html for a triage: one self-contained page with the same sections as report.md,
 * sortable tables, every data string escaped, only its own script allowed to run. Pure.
 */
import { SIMULATED_STATEMENT } from "../../report/format.js";
import { type Cell, htmlPage, htmlTable } from "../../report/html-assets.js";
import { esc } from "../../report/html-svg.js";
import type { TriageResult } from "../result.js";
import { sections } from "./sections.js";

export function renderTriageHtml(r: TriageResult): string {
  const body = sections(r)
    .map((s) => {
      const tables = s.tables
        .map((t, k) => {
          const rows: Cell[][] = t.table.rows.map((row, i) => row.map((text, j) => (t.table.num[j] && t.table.sort ? { text, sort: t.table.sort[i]?.[j] ?? null } : text)));
          const cols = t.table.head.map((label, j) => ({ label, num: t.table.num[j] }));
          return `${t.caption ? `<h3>${esc(t.caption)}</h3>` : ""}${htmlTable(`${s.id}-${k}`, cols, rows)}`;
        })
        .join("\n");
      return `<section id="${s.id}"><h2>${esc(s.title)}</h2>${s.text.map((p) => `<p>${esc(p)}</p>`).join("")}${tables}</section>`;
    })
    .join("\n");
  const notes = r.notes.length ? `<section id="notes"><h2>Notes</h2><ul class="notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></section>` : "";
  const banners =
    (r.simulated ? `<div class="banner simulated" id="simulated" role="note">${esc(SIMULATED_STATEMENT)}</div>` : "") +
    (r.complete ? "" : `<div class="banner incomplete" id="incomplete" role="alert">Incomplete: the judging stopped early (${esc(r.stopReason ?? "unknown")}).</div>`);
  return htmlPage({
    title: `critic triage: ${r.run}${r.simulated ? " (simulated)" : ""}`,
    simulated: r.simulated,
    complete: r.complete,
    main: `<header><h1>critic triage</h1><p class="meta">Run <b>${esc(r.run)}</b> · log ${esc(r.log)} · ${esc(r.startedAt)} → ${esc(r.finishedAt)}</p>${banners}</header>
${body}
${notes}
<footer>critic TriageResult v${r.version}${r.simulated ? " · simulated" : ""}</footer>`,
  });
}
