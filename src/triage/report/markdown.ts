/** report.md for a triage: the sections as Markdown tables. Untrusted text is escaped. Pure. */
import { SIMULATED_STATEMENT } from "../../report/format.js";
import { md, table } from "../../report/md-table.js";
import type { TriageResult } from "../result.js";
import { sections } from "./sections.js";

export function renderTriageMarkdown(r: TriageResult): string {
  const out: string[] = [`# critic triage: ${md(r.run)}`, ""];
  if (r.simulated) out.push(`> ${SIMULATED_STATEMENT}`, "");
  if (!r.complete) out.push(`> Incomplete: the judging stopped early (${md(r.stopReason ?? "unknown")}).`, "");
  for (const s of sections(r)) {
    out.push(`## ${s.title}`, "");
    for (const p of s.text) out.push(md(p), "");
    for (const t of s.tables) {
      if (t.caption) out.push(`**${md(t.caption)}**`, "");
      out.push(table(t.table.head.map(md), t.table.rows.map((row) => row.map(md)), t.table.num.map((n) => (n ? "r" : "l"))), "");
    }
  }
  if (r.notes.length) out.push("## Notes", "", ...r.notes.map((n) => `- ${md(n)}`), "");
  return out.join("\n");
}
