/**
 * summary.json (everything but the per-line rows) and failures.csv (one row per judged line
 * that failed, worst first: id, rubric scores, signals fired, facets). Pure.
 */
import { csvText } from "../../report/csv.js";
import type { TriageResult } from "../result.js";

export function renderTriageSummary(r: TriageResult): string {
  const { failures: _f, ...rest } = r;
  const text = JSON.stringify({ ...rest, failingIds: r.failures.map((l) => l.id) }, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `${text}\n`;
}

const num = (x: number | null) => (x == null || !Number.isFinite(x) ? "" : String(Math.round(x * 1e4) / 1e4));

export function renderFailuresCsv(r: TriageResult): string {
  const facets = r.facets.map((f) => f.column);
  // A facet named like a rubric keeps its own column under "facet:<name>".
  const facetHead = facets.map((f) => (r.rubrics.includes(f) || ["id", "worst_score", "failed_rubrics", "signals"].includes(f) ? `facet:${f}` : f));
  const head = ["id", "worst_score", ...r.rubrics, "failed_rubrics", "signals", ...facetHead, "latency_ms", "p_bad", "weight", "line", "output_preview"];
  const rows = r.failures.map((l) => [
    l.id,
    num(l.worst),
    ...r.rubrics.map((k) => num(l.scores[k] ?? null)),
    l.failedRubrics.join(";"),
    l.signals.join(";"),
    ...facets.map((f) => l.facets[f] ?? ""),
    num(l.latencyMs),
    num(l.pBad),
    num(1 / l.pi),
    String(l.line),
    l.outputPreview,
  ]);
  return csvText([head, ...rows]);
}
