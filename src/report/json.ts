/**
 * summary.json: the run's totals and per candidate x rubric results, for CI gates and
 * dashboards. The per-judgment and per-score rows live in the CSVs, not here. Nulls stay
 * null (no data), never 0.
 */
import type { GateOutcome } from "../gates/types.js";
import type { CellSummary, LatencySummary, PairwiseResult, RankingEntry, RunResult, UsageSummary } from "../run-result.js";

export interface SummaryJson {
  version: 1;
  run: string;
  startedAt: string;
  finishedAt: string;
  complete: boolean;
  stopReason: string | null;
  simulated: boolean;
  dataset: string;
  judgments: number;
  calls: number;
  cacheHits: number;
  abstentions: number;
  failed: number;
  costUsd: number | null;
  latencyMs: LatencySummary;
  rubrics: RunResult["rubrics"];
  critics: string[];
  candidates: string[];
  goldRubrics: string[];
  cells: CellSummary[];
  usage: UsageSummary[];
  pairwise: PairwiseResult[];
  ranking: RankingEntry[];
  cost: RunResult["cost"];
  labelModels: RunResult["labelModels"];
  calibration: RunResult["calibration"];
  criticAgreement: RunResult["criticAgreement"];
  cascade: RunResult["cascade"];
  sequential: RunResult["sequential"];
  notes: string[];
  /** Present when the suite has gates. */
  gates?: GateOutcome[];
}

export function summaryOf(r: RunResult): SummaryJson {
  const t = r.totals;
  return {
    version: r.version,
    run: r.run,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    complete: r.complete,
    stopReason: r.stopReason,
    simulated: r.simulated,
    dataset: r.dataset,
    judgments: t.judgments,
    calls: t.calls,
    cacheHits: t.cacheHits,
    abstentions: t.abstentions,
    failed: t.failed,
    costUsd: t.costUsd,
    latencyMs: { p50: t.latencyMs.p50, p95: t.latencyMs.p95, p99: t.latencyMs.p99, max: t.latencyMs.max },
    rubrics: r.rubrics,
    critics: r.critics,
    candidates: r.candidates,
    goldRubrics: r.goldRubrics,
    cells: r.cells,
    usage: r.usage,
    pairwise: r.pairwise,
    ranking: r.ranking,
    cost: r.cost,
    labelModels: r.labelModels,
    calibration: r.calibration,
    criticAgreement: r.criticAgreement,
    cascade: r.cascade,
    sequential: r.sequential,
    notes: r.notes,
    ...(r.gates ? { gates: r.gates } : {}),
  };
}

/**
 * summary.json text (two-space indent, trailing newline). `<`, `>` and `&` are written as
 * \u escapes (the same JSON value) so the file stays inert if pasted into an HTML page.
 */
export function renderSummaryJson(r: RunResult): string {
  const text = JSON.stringify(summaryOf(r), null, 2).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `${text}\n`;
}
