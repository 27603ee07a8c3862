/**
 * Pairwise preferences derived from individual scores (methods.md section 4): each output is
 * judged alone, and "A beats B" is computed afterwards, so position bias cannot arise.
 * Candidates are compared only on the items both have.
 */

/**
 * One candidate's judgment of one item: a point score (an integer level, or an expected score
 * from methods.md section 8), a distribution over levels (p[k] = P(level k + 1), summing to 1),
 * null when the output was judged but has no score (a refusal or abstention), or undefined
 * when the candidate has no output for the item (never compared, whatever the missing rule).
 */
export type Judgment = number | ArrayLike<number> | null | undefined;

/** Probabilities that A wins, that they tie, and that B wins; they sum to 1. */
export interface Preference {
  aWins: number;
  tie: number;
  bWins: number;
}

/**
 * P(A≻B) = Σ_{a>b} p_A(a) p_B(b), P(tie) = Σ_a p_A(a) p_B(a), P(B≻A) = the rest, assuming the
 * two scores are independent (methods.md 4.2).
 *
 * @example
 * preferenceFromDistributions([0, 0.5, 0.5], [0, 1, 0]); // { aWins: 0.5, tie: 0.5, bWins: 0 }
 */
export function preferenceFromDistributions(pA: ArrayLike<number>, pB: ArrayLike<number>): Preference {
  if (pA.length !== pB.length) throw new RangeError(`distributions over ${pA.length} and ${pB.length} levels`);
  let below = 0; // P_B(level < k), accumulated as k rises
  let aWins = 0;
  let tie = 0;
  for (let k = 0; k < pA.length; k++) {
    aWins += pA[k]! * below;
    tie += pA[k]! * pB[k]!;
    below += pB[k]!;
  }
  return { aWins, tie, bWins: Math.max(0, 1 - aWins - tie) };
}

/**
 * Thresholded outcome from point scores (methods.md 4.1): A wins if sA − sB > δ, B wins if
 * it is < −δ, tie otherwise. With integer levels and δ = 0, a tie means equal scores.
 *
 * @example
 * thresholdedPreference(5, 4); // { aWins: 1, tie: 0, bWins: 0 }
 * thresholdedPreference(4.1, 4.0, 0.25); // a tie
 */
export function thresholdedPreference(sA: number, sB: number, delta = 0): Preference {
  const d = sA - sB;
  if (d > delta) return { aWins: 1, tie: 0, bWins: 0 };
  if (d < -delta) return { aWins: 0, tie: 0, bWins: 1 };
  return { aWins: 0, tie: 1, bWins: 0 };
}

/**
 * Preference between two judgments of the same item: thresholded for two point scores,
 * probabilistic for two distributions (an integer point score next to a distribution is
 * treated as certain). Null when either side is missing.
 *
 * @example
 * preference(6, [0, 0, 0, 0, 0, 0.5, 0.5]); // { aWins: 0, tie: 0.5, bWins: 0.5 }
 */
export function preference(a: Judgment, b: Judgment, delta = 0): Preference | null {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) || Number.isNaN(b) ? null : thresholdedPreference(a, b, delta);
  const k = typeof a !== "number" ? a.length : typeof b !== "number" ? b.length : 0;
  return preferenceFromDistributions(asDistribution(a, k), asDistribution(b, k));
}

/** The side a per-item preference decides for: "a", "b", or "tie". */
export type Decision = "a" | "b" | "tie";

/**
 * The per-item decision: the more probable side, a tie only when both sides are equally
 * probable. A preference from score distributions is a probability (P(A≻B) + ½P(tie) is an
 * expected win, pulled towards 50% by every uncertain item); a reader who calls each item for
 * one side needs this instead. Calling the more probable side maximises the expected accuracy
 * against a strict gold preference when a tie earns half credit (the LLMBar / MT-Bench
 * convention): calling A earns P(A≻B) + ½P(tie), calling a tie ½, so A wins whenever
 * P(A≻B) > P(B≻A).
 *
 * @example
 * decide({ aWins: 0.4, tie: 0.35, bWins: 0.25 }); // "a", though the expected win is only 0.575
 */
export function decide(p: Preference, eps = 1e-12): Decision {
  const d = p.aWins - p.bWins;
  return d > eps ? "a" : d < -eps ? "b" : "tie";
}

function asDistribution(j: number | ArrayLike<number>, k: number): ArrayLike<number> {
  if (typeof j !== "number") return j;
  if (!Number.isInteger(j) || j < 1 || j > k) throw new RangeError(`score ${j} is not a level 1..${k}, so it cannot sit next to a distribution`);
  const p = new Array<number>(k).fill(0);
  p[j - 1] = 1;
  return p;
}

/**
 * Split a row-major n×K posterior (a label model's output) into per-item distributions
 * without copying, ready to use as Judgments.
 *
 * @example
 * posteriorRows(fit.posterior, 7)[3]; // P(level 1..7) for item 3
 */
export function posteriorRows(posterior: Float64Array, k: number): Float64Array[] {
  if (k <= 0 || posterior.length % k !== 0) throw new RangeError(`posterior of length ${posterior.length} is not n×${k}`);
  return Array.from({ length: posterior.length / k }, (_, i) => posterior.subarray(i * k, (i + 1) * k));
}

/**
 * What a comparison with a missing score on one side (a refusal, an abstention) counts as:
 * "drop" leaves it out (default), "tie" counts it as a tie, ½ win each way. Neither is silent:
 * ItemWins counts them.
 */
export type MissingRule = "drop" | "tie";

export interface PairwiseOptions {
  /** Tie band δ for point scores (methods.md 4.1); default 0. */
  delta?: number;
  /** A null judgment next to a present one (or two nulls): left out or a tie; default "drop". */
  missing?: MissingRule;
}

/**
 * Per-item fractional wins, the input to Bradley-Terry and its item bootstrap.
 * wins[(i·C + a)·C + b] = P(a≻b) + ½P(tie) on item i; compared[...] = 1 when both a and b
 * have item i. Memory is items × C² doubles.
 */
export interface ItemWins {
  items: number;
  candidates: number;
  wins: Float64Array;
  ties: Float64Array;
  compared: Uint8Array;
  /** missing[(i·C + a)·C + b] = 1 when the comparison had a missing side (counted as a tie or dropped, per `missingRule`). */
  missing?: Uint8Array;
  missingRule?: MissingRule;
}

/** Comparisons of a and b with a missing side, and the rule they were handled by. */
export function missingCount(w: ItemWins, a: number, b: number): number {
  if (!w.missing) return 0;
  const C = w.candidates;
  let n = 0;
  for (let i = 0; i < w.items; i++) n += w.missing[(i * C + a) * C + b]!;
  return n;
}

/**
 * Derive per-item pairwise outcomes from `scores[item][candidate]`.
 *
 * @example
 * itemWins([[5, 4], [3, 3]]).wins; // item 0: 0≻1 = 1; item 1: ½ each way
 */
export function itemWins(scores: ReadonlyArray<ReadonlyArray<Judgment>>, opts: PairwiseOptions = {}): ItemWins {
  const items = scores.length;
  const C = items === 0 ? 0 : scores[0]!.length;
  const wins = new Float64Array(items * C * C);
  const ties = new Float64Array(items * C * C);
  const compared = new Uint8Array(items * C * C);
  const missing = new Uint8Array(items * C * C);
  const rule = opts.missing ?? "drop";
  for (let i = 0; i < items; i++) {
    const row = scores[i]!;
    if (row.length !== C) throw new RangeError(`item ${i} has ${row.length} candidates, item 0 has ${C}`);
    for (let a = 0; a < C; a++) {
      for (let b = a + 1; b < C; b++) {
        if (row[a] === undefined || row[b] === undefined) continue;
        const ab = (i * C + a) * C + b;
        const ba = (i * C + b) * C + a;
        const refused = row[a] === null || row[b] === null;
        if (refused) missing[ab] = missing[ba] = 1;
        const p = refused ? (rule === "tie" ? { aWins: 0, tie: 1, bWins: 0 } : null) : preference(row[a], row[b], opts.delta);
        if (p === null) continue;
        wins[ab] = p.aWins + p.tie / 2;
        wins[ba] = p.bWins + p.tie / 2;
        ties[ab] = ties[ba] = p.tie;
        compared[ab] = compared[ba] = 1;
      }
    }
  }
  return { items, candidates: C, wins, ties, compared, missing, missingRule: rule };
}

/** One pairwise verdict on one item (a human's or an LLM judge's): "a", "b", "tie", or null when missing (a refusal). */
export interface VerdictRow {
  item: string;
  a: string;
  b: string;
  verdict: Decision | null;
}

/**
 * Per-item wins from pairwise verdicts, the same ItemWins that scores give, so win rates,
 * Bradley-Terry and its item bootstrap take either. Several verdicts on one item and pair
 * (raters, or both presentation orders) are averaged: the item counts once, as for scores.
 * A missing verdict is a tie or left out, per `missing` (default "drop"), and counted.
 *
 * @example
 * const { wins, items } = itemWinsFromVerdicts([{ item: "q1", a: "v1", b: "v2", verdict: "a" }], ["v1", "v2"]);
 */
export function itemWinsFromVerdicts(rows: readonly VerdictRow[], candidates: readonly string[], opts: { missing?: MissingRule } = {}): ItemWins & { itemIds: string[] } {
  const C = candidates.length;
  const index = new Map(candidates.map((c, k) => [c, k]));
  const itemIds: string[] = [];
  const itemIndex = new Map<string, number>();
  for (const r of rows) {
    if (!itemIndex.has(r.item)) {
      itemIndex.set(r.item, itemIds.length);
      itemIds.push(r.item);
    }
  }
  const items = itemIds.length;
  const rule = opts.missing ?? "drop";
  const wins = new Float64Array(items * C * C);
  const ties = new Float64Array(items * C * C);
  const counted = new Float64Array(items * C * C);
  const missing = new Uint8Array(items * C * C);
  for (const r of rows) {
    const a = index.get(r.a);
    const b = index.get(r.b);
    if (a === undefined || b === undefined) throw new RangeError(`verdict on ${r.a} vs ${r.b}: not among the candidates ${candidates.join(", ")}`);
    const i = itemIndex.get(r.item)!;
    const ab = (i * C + a) * C + b;
    const ba = (i * C + b) * C + a;
    if (r.verdict === null) {
      missing[ab] = missing[ba] = 1;
      if (rule === "drop") continue;
    }
    const v = r.verdict ?? "tie";
    const aw = v === "a" ? 1 : v === "tie" ? 0.5 : 0;
    wins[ab]! += aw;
    wins[ba]! += 1 - aw;
    if (v === "tie") {
      ties[ab]! += 1;
      ties[ba]! += 1;
    }
    counted[ab]! += 1;
    counted[ba]! += 1;
  }
  const compared = new Uint8Array(items * C * C);
  for (let t = 0; t < counted.length; t++) {
    if (counted[t]! === 0) continue;
    compared[t] = 1;
    wins[t]! /= counted[t]!;
    ties[t]! /= counted[t]!;
  }
  return { items, candidates: C, wins, ties, compared, missing, missingRule: rule, itemIds };
}

/**
 * Sum per-item wins into a C×C matrix (wins[a][b] = fractional wins of a over b), each item
 * counted `weights[i]` times (default once). The bootstrap passes resampling counts.
 */
export function totalWins(w: ItemWins, weights?: ArrayLike<number>): number[][] {
  const C = w.candidates;
  const out = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  const acc = new Float64Array(C * C);
  for (let i = 0; i < w.items; i++) {
    const m = weights ? weights[i]! : 1;
    if (m === 0) continue;
    const off = i * C * C;
    for (let t = 0; t < C * C; t++) acc[t]! += m * w.wins[off + t]!;
  }
  for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) out[a]![b] = acc[a * C + b]!;
  return out;
}

export interface WinRates {
  /** winRate[a][b] = mean over shared items of P(a≻b) + ½P(tie); null on the diagonal or with no shared item. */
  winRate: (number | null)[][];
  /** tieRate[a][b] = mean P(tie) over shared items. */
  tieRate: (number | null)[][];
  /** n[a][b] = items both a and b have. */
  n: number[][];
  /** Per candidate, the mean of its row's win rates (each opponent weighted equally); null with no opponent. */
  overall: (number | null)[];
  /**
   * decisionRate[a][b] = share of shared items whose decision (see `decide`) is a, a tie
   * counted half: the win rate of hard per-item calls, where winRate is the expected one.
   */
  decisionRate: (number | null)[][];
}

/**
 * Win-rate matrix across candidates from `scores[item][candidate]` (methods.md 4.2 and 4.5).
 *
 * @example
 * winRateMatrix([[5, 4], [3, 3], [2, null]]).winRate; // [[null, 0.75], [0.25, null]]
 */
export function winRateMatrix(scores: ReadonlyArray<ReadonlyArray<Judgment>>, opts: PairwiseOptions = {}): WinRates {
  return winRatesFromItemWins(itemWins(scores, opts));
}

/** Win rates from per-item wins already derived by itemWins. */
export function winRatesFromItemWins(w: ItemWins): WinRates {
  const C = w.candidates;
  const winRate: (number | null)[][] = [];
  const tieRate: (number | null)[][] = [];
  const n: number[][] = [];
  const overall: (number | null)[] = [];
  const decisionRate: (number | null)[][] = [];
  for (let a = 0; a < C; a++) {
    winRate.push([]);
    tieRate.push([]);
    n.push([]);
    decisionRate.push([]);
    let rowSum = 0;
    let rowCount = 0;
    for (let b = 0; b < C; b++) {
      let count = 0;
      let win = 0;
      let tie = 0;
      let decided = 0;
      for (let i = 0; i < w.items; i++) {
        const t = (i * C + a) * C + b;
        if (!w.compared[t]) continue;
        count++;
        win += w.wins[t]!;
        tie += w.ties[t]!;
        // wins[ab] − wins[ba] = P(a≻b) − P(b≻a): the ½P(tie) shares cancel.
        const d = w.wins[t]! - w.wins[(i * C + b) * C + a]!;
        decided += d > 1e-12 ? 1 : d < -1e-12 ? 0 : 0.5;
      }
      n[a]!.push(count);
      const rate = a === b || count === 0 ? null : win / count;
      winRate[a]!.push(rate);
      tieRate[a]!.push(a === b || count === 0 ? null : tie / count);
      decisionRate[a]!.push(a === b || count === 0 ? null : decided / count);
      if (rate !== null) {
        rowSum += rate;
        rowCount++;
      }
    }
    overall.push(rowCount === 0 ? null : rowSum / rowCount);
  }
  return { winRate, tieRate, n, overall, decisionRate };
}
