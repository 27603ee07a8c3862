import { relative } from "node:path";
import { cellOf } from "../report/derive.js";
import { fmtInt, fmtMeanCi, fmtMs, fmtUsd } from "../report/format.js";
import type { SuiteRun } from "../runner/run-suite.js";

/**
 * What a Vitest run prints after the suite: one line per candidate (each rubric's mean with its
 * 95% interval, failed outputs, latency and dollars) and where the reports went.
 */
export function compactSummary(name: string, run: SuiteRun, cwd = process.cwd()): string {
  const r = run.result;
  const rows = r.candidates.map((cand) => {
    const scores = r.rubrics.map((rub) => {
      const c = cellOf(r, cand, rub.id);
      return `${rub.id} ${c ? fmtMeanCi(c.mean, c.ci95) : "n/a"}`;
    });
    const use = r.usage.find((u) => u.role === "candidate" && u.id === cand);
    const failed = r.generations.filter((g) => g.candidate === cand && g.failed).length;
    const extra = [failed ? `${fmtInt(failed)} failed` : "", use ? `p50 ${fmtMs(use.latencyMs.p50)}` : "", use?.costUsd != null ? fmtUsd(use.costUsd) : ""].filter(Boolean);
    return [cand, scores.join(" · "), extra.join(", ")];
  });
  const width = Math.max(...rows.map((x) => x[0]!.length));
  const lines = [`critic · ${name} · run ${r.run}${r.simulated ? " (simulated)" : ""}`];
  for (const [cand, scores, extra] of rows) lines.push(`  ${cand!.padEnd(width)}  ${scores}${extra ? `   ${extra}` : ""}`);
  lines.push(run.reportDir ? `  reports: ${relative(cwd, run.reportDir) || run.reportDir}` : "  reports: not written (give `out` to write them)");
  return lines.join("\n");
}
