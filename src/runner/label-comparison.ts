/**
 * Candidates ranked from pairwise verdicts (a human's or an LLM judge's, `critic compare --labels`):
 * the same win rates, Bradley-Terry with item-bootstrap intervals and Holm-corrected verdicts
 * as a run's scores give, and, next to a run, how often the run's per-item decisions agree
 * with the verdicts.
 */
import type { PairwiseLabel } from "../data/pairwise-labels.js";
import type { Interval, ScoreRow } from "../run-result.js";
import { bradleyTerryBootstrap } from "../stats/bootstrap.js";
import { holm } from "../stats/holm.js";
import { errorFunction } from "simple-statistics";
import { wilson } from "../triage/estimate.js";
import { preferenceOfRows } from "../report/statistics-csv.js";
import { decide, type Decision, itemWinsFromVerdicts, type MissingRule, missingCount, winRatesFromItemWins } from "../stats/pairwise.js";
import { createRng } from "../stats/rng.js";
import { PAIRWISE_ALPHA, type PairwiseCorrection } from "./pairwise-verdicts.js";

export interface LabelPair {
  a: string;
  b: string;
  /** Items with a verdict on this pair (after the missing rule). */
  n: number;
  /** Share of those items A won, ties (and several verdicts on one item) split; with its 95% Wilson interval. */
  winRate: number | null;
  winRateCi95: Interval | null;
  tieRate: number | null;
  /** Two-sided p-value of "A wins half the time" (score test, the Wilson interval's own test). */
  p: number | null;
  verdict: "A better" | "B better" | "undecided" | null;
  familywise: { method: PairwiseCorrection; pairs: number; level: number | null; adjustedP: number | null };
  /** Verdict rows on this pair left empty (refusals), and how they were counted. */
  missing: { count: number; rule: MissingRule };
}

export interface LabelRanking {
  candidate: string;
  /** Bradley-Terry strength from the verdicts (log scale, mean 0) and its item-bootstrap 95% interval. */
  theta: number;
  ci95: Interval;
  elo: number;
  rank: number;
  rankInterval: { best: number; worst: number };
}

export interface LabelComparison {
  file: string;
  /** The rubric the verdicts are about (from their rubric column), or null. */
  rubric: string | null;
  candidates: string[];
  items: number;
  verdicts: number;
  missing: { count: number; rule: MissingRule };
  correction: PairwiseCorrection;
  ranking: LabelRanking[];
  pairs: LabelPair[];
  /** Beside a run: per rubric compared, how often the run's per-item decision matches a verdict. */
  agreement?: RunAgreement[];
}

export interface RunAgreement {
  rubric: string;
  /** Verdicts (not missing) whose item and both candidates the run scored on this rubric. */
  verdicts: number;
  /** Verdicts the run's decision matches exactly (a tie matches a tie). */
  agree: number;
  rate: number | null;
  /**
   * On the verdicts that pick a side: the run's accuracy, a run tie earning half (the LLMBar /
   * MT-Bench convention). Exact agreement above is low whenever the verdicts have many ties,
   * since a decision from score distributions is rarely an exact tie.
   */
  decisive: { verdicts: number; accuracy: number | null };
}

export interface CompareLabelsOptions {
  missing: MissingRule;
  correction: PairwiseCorrection;
  seed: number | string;
  rounds?: number;
}

/**
 * Rank candidates from one rubric's verdicts.
 *
 * @example
 * const c = compareLabels(table.rows, table.candidates, { missing: "drop", correction: "holm", seed: 1 }, "verdicts.csv", null);
 */
export function compareLabels(rows: readonly PairwiseLabel[], candidates: readonly string[], opts: CompareLabelsOptions, file: string, rubric: string | null): LabelComparison {
  const w = itemWinsFromVerdicts(rows, candidates, { missing: opts.missing });
  const rates = winRatesFromItemWins(w);
  const bt = bradleyTerryBootstrap(w, { rng: createRng(`${opts.seed}:labels:${rubric ?? ""}`), rounds: opts.rounds ?? 1000 });
  const C = candidates.length;
  const pairs: Omit<LabelPair, "verdict" | "familywise">[] = [];
  for (let a = 0; a < C; a++) {
    for (let b = a + 1; b < C; b++) {
      const n = rates.n[a]![b]!;
      const rate = rates.winRate[a]![b] ?? null;
      const s = rate === null || n === 0 ? null : scoreTest(rate, n);
      pairs.push({
        a: candidates[a]!,
        b: candidates[b]!,
        n,
        winRate: rate,
        winRateCi95: s?.ci95 ?? null,
        tieRate: rates.tieRate[a]![b] ?? null,
        p: s?.p ?? null,
        missing: { count: missingCount(w, a, b), rule: opts.missing },
      });
    }
  }
  const h = holm(pairs.map((p) => p.p), PAIRWISE_ALPHA);
  const decided = pairs.map((p, i): LabelPair => {
    const ci = p.winRateCi95;
    const alone = !ci ? null : ci.lo > 0.5 ? "A better" : ci.hi < 0.5 ? "B better" : "undecided";
    const holds = opts.correction === "none" || h.reject[i];
    return {
      ...p,
      verdict: alone === null ? null : holds ? alone : "undecided",
      familywise: { method: opts.correction, pairs: pairs.length, level: opts.correction === "holm" ? (h.level[i] ?? null) : PAIRWISE_ALPHA, adjustedP: opts.correction === "holm" ? (h.adjusted[i] ?? null) : p.p },
    };
  });
  const missing = rows.filter((r) => r.verdict === null).length;
  return {
    file,
    rubric,
    candidates: [...candidates],
    items: w.items,
    verdicts: rows.length,
    missing: { count: missing, rule: opts.missing },
    correction: opts.correction,
    ranking: candidates.map((c, k) => ({ candidate: c, theta: bt.theta[k]!, ci95: { lo: bt.lo[k]!, hi: bt.hi[k]! }, elo: bt.elo[k]!, rank: bt.rank[k]!, rankInterval: bt.rankInterval[k]! })),
    pairs: decided,
  };
}

/**
 * Score test of "A wins half the time" on n items and its inversion, the Wilson interval
 * (Wilson 1927), at 95%. The null variance ¼ per item is an upper bound once ties (½ each way)
 * or several verdicts per item are averaged in, so the test stays valid, if conservative, and
 * unlike a t interval it never collapses to zero width when every item went the same way.
 *
 * @example
 * scoreTest(1, 10); // { p: 0.0016, ci95: { lo: 0.72, hi: 1 } }
 */
export function scoreTest(rate: number, n: number): { p: number; ci95: Interval } {
  // 2(1 − Φ(|z|)) = 1 − erf(|z|/√2), z = (rate − ½) / √(¼/n).
  const p = 1 - errorFunction(Math.abs(rate - 0.5) / Math.sqrt(0.25 / n) / Math.SQRT2);
  return { p: Math.min(1, Math.max(0, p)), ci95: wilson(rate, n) };
}

/**
 * How often a run's per-item decision (the more probable side from its score posteriors, or a
 * tie) equals a verdict, over the verdicts whose item and candidates the run scored.
 */
export function agreementWithRun(rows: readonly PairwiseLabel[], scores: readonly ScoreRow[], rubric: string): RunAgreement {
  const at = new Map<string, ScoreRow>();
  for (const s of scores) if (s.rubric === rubric) at.set(JSON.stringify([s.item, s.candidate]), s);
  let verdicts = 0;
  let agree = 0;
  let decisive = 0;
  let credit = 0;
  for (const r of rows) {
    if (r.verdict === null) continue;
    const sa = at.get(JSON.stringify([r.item, r.a]));
    const sb = at.get(JSON.stringify([r.item, r.b]));
    const p = sa && sb ? preferenceOfRows(sa, sb) : null;
    if (!p) continue;
    verdicts++;
    const d: Decision = decide(p);
    if (d === r.verdict) agree++;
    if (r.verdict === "tie") continue;
    decisive++;
    credit += d === r.verdict ? 1 : d === "tie" ? 0.5 : 0;
  }
  return { rubric, verdicts, agree, rate: verdicts ? agree / verdicts : null, decisive: { verdicts: decisive, accuracy: decisive ? credit / decisive : null } };
}
