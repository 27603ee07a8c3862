import type { Suite } from "../config/load.js";
import type { DatasetRow } from "../data/dataset.js";
import { ConfigError } from "../errors.js";
import type { Judgment, SequentialSummary } from "../run-result.js";
import { createSequentialComparison } from "../sampling/sequential-plan.js";
import type { JournalContents } from "../store/journal.js";
import type { RunEventListener } from "./events.js";
import { type ExecutedRun, executeRun, generationKey, judgmentKey, plannedUnits } from "./run.js";
import { Budget } from "./budget.js";
import { groupBy } from "./group.js";
import { itemIds } from "./sample-rows.js";

const SCALE = 7;

/** Per-item difference A - B on [-1, 1]: each critic scores both sides, so its leniency cancels; critics are averaged. */
function itemDifference(judged: ReadonlyMap<string, Judgment>, item: string, a: string, b: string, rubric: string, critics: string[]): number | null {
  const diffs: number[] = [];
  for (const c of critics) {
    const la = judged.get(judgmentKey(item, a, rubric, c))?.level;
    const lb = judged.get(judgmentKey(item, b, rubric, c))?.level;
    if (la != null && lb != null) diffs.push((la - lb) / (SCALE - 1));
  }
  return diffs.length ? diffs.reduce((s, d) => s + d, 0) / diffs.length : null;
}

/**
 * Judge items in a seeded random order, in batches, and stop as soon as the anytime-valid
 * confidence sequence for the mean difference A - B decides (methods.md 6.1): A better, B
 * better, equivalent within +-delta, or the budget ends. Peeking after every batch is safe
 * because the sequence holds at every time at once.
 */
export async function runSequential(opts: { suite: Suite; rows: DatasetRow[]; run: string; resume?: JournalContents; noCache?: boolean; replay?: boolean; signal: AbortSignal; onEvent?: RunEventListener }): Promise<{ executed: ExecutedRun; summary: SequentialSummary; suite: Suite; rows: DatasetRow[] }> {
  const spec = opts.suite.compare!;
  const rubric = spec.rubric ?? opts.suite.rubrics[0]!.id;
  const generated = opts.suite.candidates.length > 0;
  const known = generated ? opts.suite.candidates.map((c) => c.id) : [...new Set(opts.rows.map((r) => r.candidate))];
  for (const id of [spec.a, spec.b]) if (!known.includes(id)) throw new ConfigError(`--compare: unknown candidate "${id}" (candidates are ${known.join(", ")})`);
  // Only the two candidates and the compared rubric are judged: everything else would be spent outside the decision.
  const suite: Suite = {
    ...opts.suite,
    rubrics: opts.suite.rubrics.filter((r) => r.id === rubric),
    candidates: opts.suite.candidates.filter((c) => c.id === spec.a || c.id === spec.b),
  };
  const rows = generated ? opts.rows : opts.rows.filter((r) => r.candidate === spec.a || r.candidate === spec.b);
  const items = itemIds(rows);
  const critics = suite.critics.map((c) => c.id);
  const cmp = createSequentialComparison({ alpha: spec.alpha, delta: spec.delta / (SCALE - 1), batchSize: spec.batchSize, horizon: items.length, items: items.length, seed: opts.suite.seed });
  let resume = opts.resume;
  let last: ExecutedRun | null = null;
  const judged: string[] = [];
  const byItem = groupBy(rows, (r) => r.id);
  let calls = 0;
  // One budget for every batch: the caps hold for the comparison, not for each batch.
  const budget = new Budget(opts.suite.budget);
  while (!cmp.state().done) {
    const batch = cmp.nextBatch().map((i) => items[i]!);
    if (!batch.length) break;
    judged.push(...batch);
    const judgedRows = judged.flatMap((id) => byItem.get(id)!);
    last = await executeRun({ ...opts, suite, rows: judgedRows, units: plannedUnits(judgedRows, suite), resume, budget });
    calls = budget.calls;
    const judgedSoFar = new Map(last.judgments.filter((j) => j.kind !== "failed").map((j) => [judgmentKey(j.item, j.candidate, j.rubric, j.critic), j]));
    cmp.add(batch.map((id) => itemDifference(judgedSoFar, id, spec.a, spec.b, rubric, critics)));
    if (!last.complete) break;
    // The next batch resumes from everything judged so far, in the same journal.
    resume = {
      header: { type: "run", run: opts.run, startedAt: last.startedAt, suite: {} },
      judgments: judgedSoFar,
      generations: new Map(last.generations.filter((g) => !g.failed).map((g) => [generationKey(g.item, g.candidate), g])),
      tornLines: 0,
      batches: resume?.batches ?? [],
    };
  }
  const state = cmp.state();
  const perItemCalls = critics.length * 2 + (generated ? 2 : 0);
  return {
    executed: last!,
    suite,
    rows: judged.flatMap((id) => byItem.get(id)!),
    summary: {
      a: spec.a,
      b: spec.b,
      rubric,
      decision: state.decision,
      confidence: 1 - spec.alpha,
      delta: spec.delta,
      estimate: state.estimate == null ? null : state.estimate * (SCALE - 1),
      cs: { lo: state.cs.lo * (SCALE - 1), hi: state.cs.hi * (SCALE - 1) },
      itemsJudged: judged.length,
      itemsTotal: items.length,
      calls,
      callsExhaustive: items.length * perItemCalls,
    },
  };
}
