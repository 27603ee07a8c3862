/**
 * summary.json: the run's totals and per candidate x rubric results, for CI gates and
 * dashboards. The per-judgment and per-score rows live in the CSVs, not here. Nulls stay
 * null (no data), never 0.
 */
import type { RunResult, RunTotals } from "../run-result.js";

/** Everything in the RunResult except the per-row arrays, with the totals at the top level. */
export type SummaryJson = Omit<RunResult, "totals" | "scores" | "judgments" | "generations"> & RunTotals;

export function summaryOf(r: RunResult): SummaryJson {
  const { totals, scores: _s, judgments: _j, generations: _g, ...rest } = r;
  return { ...rest, ...totals };
}

/**
 * summary.json text (two-space indent, trailing newline). `<`, `>` and `&` are written as
 * \u escapes (the same JSON value) so the file stays inert if pasted into an HTML page.
 */
export function renderSummaryJson(r: RunResult): string {
  const text = JSON.stringify(summaryOf(r), null, 2).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `${text}\n`;
}
