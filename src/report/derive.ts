/**
 * Selections shared by the writers (worst items, slowest calls, oriented pairs, the
 * cheapest adequate candidate), so every format lists the same rows in the same order.
 * No statistics are estimated here: everything is read from the RunResult.
 */
import { rubricScale } from "../gates/evaluate.js";
import type { CellSummary, Judgment, PairwiseResult, RankingEntry, RunResult, ScoreRow } from "../run-result.js";

export function cellOf(r: RunResult, candidate: string, rubric: string): CellSummary | undefined {
  return r.cells.find((c) => c.candidate === candidate && c.rubric === rubric);
}

/** Lowest aggregate scores first; ties broken by item, candidate, rubric for a stable order. */
export function worstScores(r: RunResult, n = 10): ScoreRow[] {
  return r.scores
    .filter((s): s is ScoreRow & { score: number } => s.score !== null)
    .sort((x, y) => x.score - y.score || cmp(x.item, y.item) || cmp(x.candidate, y.candidate) || cmp(x.rubric, y.rubric))
    .slice(0, n);
}

/** Slowest judgments with a measured latency (cache hits without one are left out). */
export function slowestCalls(r: RunResult, n = 10): Judgment[] {
  return r.judgments
    .filter((j): j is Judgment & { latencyMs: number } => j.latencyMs !== null)
    .sort((x, y) => y.latencyMs - x.latencyMs || cmp(x.item, y.item) || cmp(x.critic, y.critic))
    .slice(0, n);
}

/** The comparison of a against b on a rubric, flipped from (b, a) when only that one is stored. */
export function pairOf(r: RunResult, rubric: string, a: string, b: string): PairwiseResult | null {
  const direct = r.pairwise.find((p) => p.rubric === rubric && p.a === a && p.b === b);
  if (direct) return direct;
  const rev = r.pairwise.find((p) => p.rubric === rubric && p.a === b && p.b === a);
  if (!rev) return null;
  return {
    a,
    b,
    rubric,
    winRate: 1 - rev.winRate,
    meanDiff: rev.meanDiff === null ? null : -rev.meanDiff,
    diffCi95: rev.diffCi95 === null ? null : { lo: -rev.diffCi95.hi, hi: -rev.diffCi95.lo },
    n: rev.n,
    ...(rev.decisionWinRate !== undefined ? { decisionWinRate: 1 - rev.decisionWinRate } : {}),
    ...(rev.verdict !== undefined ? { verdict: rev.verdict === "A better" ? "B better" : rev.verdict === "B better" ? "A better" : "undecided" } : {}),
    ...(rev.p !== undefined ? { p: rev.p } : {}),
    ...(rev.familywise !== undefined ? { familywise: rev.familywise } : {}),
    ...(rev.missing !== undefined ? { missing: rev.missing } : {}),
  };
}

/**
 * The pair's verdict: the one the run decided (after its family-wise correction), or for a
 * result written before verdicts were stored, what its 95% interval says; null without one.
 */
export function verdictOf(p: PairwiseResult): "A better" | "B better" | "undecided" | null {
  if (p.verdict) return p.verdict;
  if (!p.diffCi95) return null;
  return p.diffCi95.lo > 0 ? "A better" : p.diffCi95.hi < 0 ? "B better" : "undecided";
}

/** One sentence on how a rubric's verdicts allowed for its other pairs. */
export function correctionSentence(r: RunResult, rubric: string): string {
  const pairs = r.pairwise.filter((p) => p.rubric === rubric && p.familywise);
  const m = pairs[0]?.familywise?.pairs ?? pairs.length;
  if (m <= 1) return "Verdicts at 95% (one pair, so no multiplicity correction is needed).";
  if (r.pairwiseCorrection === "holm") return `Verdicts at 95% with Holm's correction over the ${m} pairs of this rubric: the chance of any wrong "better" stays at 5% or less.`;
  if (r.pairwiseCorrection === "none") return `Verdicts at 95% for each pair alone, not corrected for multiplicity: over ${m} pairs the chance of at least one wrong "better" can reach ${Math.min(100, 5 * m)}% (set pairwiseCorrection: holm).`;
  return "Verdicts at 95% for each pair alone.";
}

/** How many comparisons of a rubric had a refused score on one side, and what was done with them; null when none. */
export function missingSentence(r: RunResult, rubric: string): string | null {
  const pairs = r.pairwise.filter((p) => p.rubric === rubric && p.missing && p.missing.count > 0);
  if (!pairs.length) return null;
  const count = pairs.reduce((t, p) => t + p.missing!.count, 0);
  const rule = pairs[0]!.missing!.rule;
  const what = rule === "tie" ? "counted as ties in the win rates and Bradley-Terry (pairwiseMissing: tie)" : "left out of the win rates and Bradley-Terry (pairwiseMissing: drop; tie counts them as ties)";
  return `${count} item comparison${count === 1 ? "" : "s"} had a refused or abstained score on one side: ${what}. Mean differences use the items both sides scored.`;
}

export function rankingFor(r: RunResult, rubric: string): RankingEntry[] {
  return r.ranking.filter((e) => e.rubric === rubric).sort((x, y) => x.rank - y.rank || y.theta - x.theta);
}

/** Generation dollars for a candidate; null when unknown or the outputs came from the dataset. */
export function candidateCost(r: RunResult, candidate: string): number | null {
  return r.usage.find((u) => u.role === "candidate" && u.id === candidate)?.costUsd ?? null;
}

export interface CostPick {
  rubric: string;
  /** Highest mean on the rubric. */
  best: string;
  /** Cheapest candidate with a known cost that is not worse than the best; null if none. */
  pick: string | null;
  /** Candidates not worse than the best (the best included). */
  notWorse: string[];
}

/**
 * "Not worse than the best": the paired difference (candidate - best) has a 95% interval
 * reaching 0 or above; without a paired interval, the two cell intervals overlap. With
 * neither, only the best itself qualifies.
 */
export function cheapestNotWorse(r: RunResult, rubric: string): CostPick | null {
  const cells = r.cells.filter((c): c is CellSummary & { mean: number } => c.rubric === rubric && c.mean !== null);
  if (cells.length === 0) return null;
  const best = cells.reduce((m, c) => (c.mean > m.mean ? c : m));
  const notWorse = cells
    .filter((c) => {
      if (c.candidate === best.candidate) return true;
      const p = pairOf(r, rubric, c.candidate, best.candidate);
      if (p?.diffCi95) return p.diffCi95.hi >= 0;
      return c.ci95 !== null && best.ci95 !== null && c.ci95.hi >= best.ci95.lo;
    })
    .map((c) => c.candidate);
  let pick: string | null = null;
  let pickCost = Number.POSITIVE_INFINITY;
  for (const cand of notWorse) {
    const cost = candidateCost(r, cand);
    if (cost !== null && cost < pickCost) {
      pick = cand;
      pickCost = cost;
    }
  }
  return { rubric, best: best.candidate, pick, notWorse };
}

export function scaleOf(r: RunResult, rubric: string): number {
  return r.rubrics.find((x) => x.id === rubric)?.scale ?? 7;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Which scale a rubric's means, intervals and differences are on, and what their intervals
 * include; null when the rubric has no scores.
 */
export function scaleSentence(r: RunResult, rubric: string): string | null {
  const cells = r.cells.filter((c) => c.rubric === rubric);
  if (!cells.length) return null;
  const scale = rubricScale(r, rubric) === "human" ? "human scale (a label model anchored on gold labels)" : "critic scale (the critics' levels, fitted without gold)";
  const boot = cells.find((c) => c.labelModelSe)?.labelModelSe;
  const widened = boot ? `; the 95% intervals include the label model's own uncertainty (an item bootstrap that refits it, ${boot.rounds} resamples)` : "";
  return `${scale}${widened}`;
}
