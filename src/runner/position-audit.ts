/**
 * `critic audit position`: on a seeded sample of item x candidate pairs, ask the suite's critics
 * the conventional "which is better, A or B?" in both orders, and set the result against the
 * pairwise preference each critic implies when it scores the two outputs one at a time (the same
 * sample, judged through the cache, so a suite that already ran pays only for the pairwise calls).
 */
import type { Suite } from "../config/load.js";
import { loadDataset } from "../data/dataset.js";
import { type BothOrders, type PositionAudit, positionAudit } from "../diagnostics/position.js";
import { pairwiseMessages, parsePairwiseVerdict } from "../diagnostics/pairwise-prompt.js";
import { shapeFields } from "../providers/shapes.js";
import { preference } from "../stats/pairwise.js";
import { createRng } from "../stats/rng.js";
import { buildRunResult } from "./result.js";
import { standaloneCaller } from "./standalone-caller.js";
import { newRunId } from "./run-suite.js";
import { executeRun, generationKey, plannedUnits } from "./run.js";

export interface PositionAuditRow extends PositionAudit {
  critic: string;
  rubric: string;
}

export interface PositionAuditReport {
  run: string;
  seed: number;
  /** Item x candidate pairs audited, and how many the dataset offers. */
  pairs: number;
  pairsAvailable: number;
  rows: PositionAuditRow[];
  /** Pairwise calls made (two per pair, critic and rubric) and their dollars (null when unpriced). */
  calls: number;
  costUsd: number | null;
}

/** Fisher-Yates with a seeded generator: the same seed audits the same pairs. */
function shuffle<T>(xs: T[], seed: string): T[] {
  const rng = createRng(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

export async function runPositionAudit(suite: Suite, opts: { pairs: number; signal: AbortSignal; noCache?: boolean; replay?: boolean; simulated?: boolean }): Promise<PositionAuditReport> {
  const dataset = await loadDataset(suite.dataset, { requireOutput: suite.candidates.length === 0 });
  const candidateIds = suite.candidates.length ? suite.candidates.map((c) => c.id) : dataset.candidates;
  const byItem = new Map<string, Set<string>>();
  for (const r of dataset.rows) {
    const set = byItem.get(r.id) ?? new Set<string>();
    if (suite.candidates.length) for (const c of candidateIds) set.add(c);
    else set.add(r.candidate);
    byItem.set(r.id, set);
  }
  const all: { item: string; a: string; b: string }[] = [];
  for (const [item, has] of byItem) {
    const cs = candidateIds.filter((c) => has.has(c));
    for (let i = 0; i < cs.length; i++) for (let j = i + 1; j < cs.length; j++) all.push({ item, a: cs[i]!, b: cs[j]! });
  }
  const chosen = shuffle(all, `${suite.seed}:position-audit`).slice(0, opts.pairs);
  const items = new Set(chosen.map((p) => p.item));
  const rows = dataset.rows.filter((r) => items.has(r.id));

  // critic's own view of the same outputs: each scored alone, through the cache.
  const run = `audit-${newRunId()}`;
  const executed = await executeRun({ suite, rows, units: plannedUnits(rows, suite), run, signal: opts.signal, noCache: opts.noCache, replay: opts.replay });
  const result = buildRunResult(executed, suite, { file: dataset.file, goldRubrics: dataset.goldRubrics, rows }, { simulated: opts.simulated ?? false });
  const text = new Map<string, string>();
  for (const r of rows) if (r.output != null) text.set(generationKey(r.id, r.candidate), r.output);
  for (const g of executed.generations) if (!g.failed) text.set(generationKey(g.item, g.candidate), g.output);
  const input = new Map(rows.map((r) => [r.id, r.input]));
  const gold = new Map(rows.map((r) => [generationKey(r.id, r.candidate), r.gold]));
  // The same critic's own levels: its pairwise verdict set against the pairwise it implies when
  // it scores each output alone (the label model's scores may be anchored on gold, so not those).
  const levels = new Map(result.scores.map((s) => [JSON.stringify([s.item, s.candidate, s.rubric]), s.byCritic]));

  const call = standaloneCaller(suite, opts);
  let calls = 0;
  let cost: number | null = 0;
  const ask = async (critic: Suite["critics"][number], messages: ReturnType<typeof pairwiseMessages>): Promise<"A" | "B" | null> => {
    // The critic's own request shape (temperature, token parameter, reasoning effort) as when it scores.
    const r = await call(critic, { model: critic.model, messages, ...shapeFields(critic.shape) });
    calls += r.attempts;
    cost = cost == null || r.costUsd == null ? null : cost + r.costUsd;
    return parsePairwiseVerdict(r.reply.text);
  };

  const out: PositionAuditRow[] = [];
  for (const rubric of suite.rubrics) {
    for (const critic of suite.critics) {
      const verdicts = await Promise.all(
        chosen.map(async (p): Promise<BothOrders | null> => {
          const ta = text.get(generationKey(p.item, p.a));
          const tb = text.get(generationKey(p.item, p.b));
          if (ta == null || tb == null) return null; // a generation failed: nothing to compare
          const q = input.get(p.item) ?? "";
          const [first, second] = await Promise.all([ask(critic, pairwiseMessages(rubric, q, ta, tb, suite.maxOutputChars)), ask(critic, pairwiseMessages(rubric, q, tb, ta, suite.maxOutputChars))]);
          const la = levels.get(JSON.stringify([p.item, p.a, rubric.id]))?.[critic.id] ?? null;
          const lb = levels.get(JSON.stringify([p.item, p.b, rubric.id]))?.[critic.id] ?? null;
          const pref = preference(la, lb);
          const ga = gold.get(generationKey(p.item, p.a))?.[rubric.id] ?? null;
          const gb = gold.get(generationKey(p.item, p.b))?.[rubric.id] ?? null;
          return {
            inOrder: first === "A" ? "1" : first === "B" ? "2" : null,
            swapped: second === "A" ? "2" : second === "B" ? "1" : null,
            derived: pref ? pref.aWins + pref.tie / 2 : null,
            gold: ga == null || gb == null || ga === gb ? null : ga > gb ? "1" : "2",
          };
        }),
      );
      out.push({ critic: critic.id, rubric: rubric.id, ...positionAudit(verdicts.filter((v): v is BothOrders => v !== null)) });
    }
  }
  return { run, seed: suite.seed, pairs: chosen.length, pairsAvailable: all.length, rows: out, calls, costUsd: cost };
}
