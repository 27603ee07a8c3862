import type { Suite } from "../config/load.js";
import type { DatasetRow } from "../data/dataset.js";
import { ConfigError } from "../errors.js";
import type { Judgment, RunResult, SequentialSummary } from "../run-result.js";
import { createSequentialComparison } from "../sampling/sequential-plan.js";
import type { Journal } from "../store/journal.js";
import type { RunEventListener } from "./events.js";
import { type ExecutedRun, executeRun, judgmentKey, plannedUnits } from "./run.js";
import type { Budget } from "./budget.js";
import { groupBy } from "./group.js";
import { itemIds } from "./sample-rows.js";

const SCALE = 7;

/** Per-item difference A - B on [-1, 1]: each critic scores both sides, so its leniency cancels; critics are averaged. */
function itemDifference(judged: ReadonlyMap<string, Judgment>, item: string, a: string, b: string, rubric: string, critics: string[], scale = SCALE): number | null {
  const diffs: number[] = [];
  for (const c of critics) {
    const la = judged.get(judgmentKey(item, a, rubric, c))?.level;
    const lb = judged.get(judgmentKey(item, b, rubric, c))?.level;
    if (la != null && lb != null) diffs.push((la - lb) / (scale - 1));
  }
  return diffs.length ? diffs.reduce((s, d) => s + d, 0) / diffs.length : null;
}

/**
 * Judge items in a seeded random order, in batches, and stop as soon as the anytime-valid
 * confidence sequence for the mean difference A - B decides (methods.md 6.1): A better, B
 * better, equivalent within +-delta, or the budget ends. Peeking after every batch is safe
 * because the sequence holds at every time at once.
 */
export async function runSequential(opts: { suite: Suite; rows: DatasetRow[]; run: string; journal: Journal; budget: Budget; noCache?: boolean; replay?: boolean; signal: AbortSignal; onEvent?: RunEventListener }): Promise<{ executed: ExecutedRun; summary: SequentialSummary; rows: DatasetRow[] }> {
  const spec = opts.suite.compare!;
  const rubric = spec.rubric ?? opts.suite.rubrics[0]!.id;
  // Differences are scaled to [-1, 1] by the rubric's own number of levels.
  const K = opts.suite.rubrics.find((r) => r.id === rubric)?.levels.length ?? SCALE;
  const generated = opts.suite.candidates.length > 0;
  const known = generated ? opts.suite.candidates.map((c) => c.id) : [...new Set(opts.rows.map((r) => r.candidate))];
  for (const id of [spec.a, spec.b]) if (!known.includes(id)) throw new ConfigError(`--compare: unknown candidate "${id}" (candidates are ${known.join(", ")})`);
  // The comparison decides how many items are judged; on those, every rubric and candidate is
  // judged, so the suite's other rubrics (and their gates) have scores too.
  const suite = opts.suite;
  const rows = opts.rows;
  const items = itemIds(rows);
  const critics = suite.critics.map((c) => c.id);
  const cmp = createSequentialComparison({ alpha: spec.alpha, delta: spec.delta / (K - 1), batchSize: spec.batchSize, horizon: items.length, items: items.length, seed: opts.suite.seed });
  const perItemCalls = critics.length * suite.rubrics.length * (generated ? suite.candidates.length : new Set(rows.map((r) => r.candidate)).size) + (generated ? suite.candidates.length : 0);
  let last: ExecutedRun | null = null;
  const judged: string[] = [];
  const byItem = groupBy(rows, (r) => r.id);
  // One budget for every batch: the caps hold for the comparison, not for each batch.
  const budget = opts.budget;
  while (!cmp.state().done) {
    const batch = cmp.nextBatch().map((i) => items[i]!);
    if (!batch.length) break;
    judged.push(...batch);
    const judgedRows = judged.flatMap((id) => byItem.get(id)!);
    last = await executeRun({ ...opts, suite, rows: judgedRows, units: plannedUnits(judgedRows, suite), budget });
    const judgedSoFar = new Map(last.judgments.filter((j) => j.kind !== "failed").map((j) => [judgmentKey(j.item, j.candidate, j.rubric, j.critic), j]));
    cmp.add(batch.map((id) => itemDifference(judgedSoFar, id, spec.a, spec.b, rubric, critics, K)));
    // Each decision is logged: the log says how the comparison went, batch by batch.
    await opts.journal.record({ type: "sequential", summary: summaryOf(cmp.state(), judged.length, budget.calls) });
    if (!last.complete) break;
  }
  function summaryOf(state: ReturnType<typeof cmp.state>, itemsJudged: number, calls: number): SequentialSummary {
    return {
      a: spec.a,
      b: spec.b,
      rubric,
      decision: state.decision,
      confidence: 1 - spec.alpha,
      delta: spec.delta,
      estimate: state.estimate == null ? null : state.estimate * (K - 1),
      cs: { lo: state.cs.lo * (K - 1), hi: state.cs.hi * (K - 1) },
      itemsJudged,
      itemsTotal: items.length,
      calls,
      callsExhaustive: items.length * perItemCalls,
    };
  }
  return { executed: last!, rows: judged.flatMap((id) => byItem.get(id)!), summary: summaryOf(cmp.state(), judged.length, budget.calls) };
}

/**
 * After a sequential comparison the sample size was chosen by peeking, so a fixed-n interval on
 * the compared pair is no longer valid: the pair's reported difference and interval become the
 * anytime-valid confidence sequence at the stop (and so does any gate on that pair, which reads
 * them). Other pairs and the cell means keep their fixed-n intervals, and a note says so.
 */
export function applySequential(result: RunResult, seq: SequentialSummary): void {
  for (const p of result.pairwise) {
    if (p.rubric !== seq.rubric) continue;
    const same = p.a === seq.a && p.b === seq.b;
    if (!same && !(p.a === seq.b && p.b === seq.a)) continue;
    p.meanDiff = seq.estimate === null ? null : same ? seq.estimate : -seq.estimate;
    p.diffCi95 = same ? { ...seq.cs } : { lo: -seq.cs.hi, hi: -seq.cs.lo };
    p.interval = "confidence-sequence";
    // The sequence is built on the critics' per-item differences, not on a label model's estimates.
    delete p.labelModelSe;
  }
  result.notes.push(
    `${seq.a} − ${seq.b} on ${seq.rubric}: the difference, its interval and any gate on it use the anytime-valid confidence sequence, because the comparison stopped when it was decided; other intervals are fixed-n and do not account for that stop.`,
  );
}
