/**
 * Length effect of a critic, estimated within items and candidates (two-way fixed effects), and
 * comparisons at equal length in the spirit of AlpacaEval's length-controlled win rate.
 *
 * Model: score(item i, candidate c) = alpha_i + beta_c + slope * chars / 1000 + e.
 * The item and candidate effects absorb "this item is hard" and "this candidate is better", so a
 * candidate that is both better and longer does not show up as length bias: the slope comes only
 * from how a candidate's score moves when its own output is longer or shorter on other items.
 * Standard errors are cluster-robust by item (outputs of the same item share its noise).
 */
import { studentTQuantile } from "../stats/intervals.js";

export interface LengthObservation {
  /** Index of the item (0-based, dense). */
  item: number;
  /** Index of the candidate (0-based, dense). */
  candidate: number;
  /** Length of the output in thousands of characters. */
  kchars: number;
  score: number;
}

export interface LengthFit {
  /** Change in score per 1,000 characters, within items and candidates. */
  slope: number;
  se: number;
  ci95: { lo: number; hi: number };
  /** Observations and item clusters used. */
  n: number;
  clusters: number;
  /** Per item cluster, its influence on the slope (sum over the cluster of x~ e / Sxx). */
  influence: Float64Array;
}

/** Remove item and candidate means from `v` by alternating projections (exact in one sweep on a complete table). */
function demean(obs: readonly LengthObservation[], v: Float64Array, items: number, candidates: number): Float64Array {
  const out = Float64Array.from(v);
  const sumI = new Float64Array(items);
  const nI = new Float64Array(items);
  const sumC = new Float64Array(candidates);
  const nC = new Float64Array(candidates);
  for (const o of obs) {
    nI[o.item]!++;
    nC[o.candidate]!++;
  }
  for (let iter = 0; iter < 500; iter++) {
    sumI.fill(0);
    obs.forEach((o, k) => {
      sumI[o.item]! += out[k]!;
    });
    obs.forEach((o, k) => {
      out[k]! -= sumI[o.item]! / nI[o.item]!;
    });
    sumC.fill(0);
    obs.forEach((o, k) => {
      sumC[o.candidate]! += out[k]!;
    });
    let moved = 0;
    obs.forEach((o, k) => {
      const m = sumC[o.candidate]! / nC[o.candidate]!;
      out[k]! -= m;
      moved = Math.max(moved, Math.abs(m));
    });
    if (moved < 1e-12) break;
  }
  return out;
}

/**
 * Within-item-and-candidate slope of score on length, with a 95% cluster-robust interval
 * (CR1, t with clusters − 1 degrees of freedom). Null when the lengths do not vary within
 * items and candidates, or fewer than three items contribute.
 *
 * @example
 * withinLengthSlope(obs)?.slope; // levels per 1,000 characters
 */
export function withinLengthSlope(obs: readonly LengthObservation[]): LengthFit | null {
  if (obs.length < 3) return null;
  const items = 1 + obs.reduce((m, o) => Math.max(m, o.item), -1);
  const candidates = 1 + obs.reduce((m, o) => Math.max(m, o.candidate), -1);
  const x = demean(obs, Float64Array.from(obs, (o) => o.kchars), items, candidates);
  const y = demean(obs, Float64Array.from(obs, (o) => o.score), items, candidates);
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < obs.length; k++) {
    sxx += x[k]! * x[k]!;
    sxy += x[k]! * y[k]!;
  }
  // No length variation left once item and candidate means are removed: nothing to estimate from.
  if (!(sxx > 1e-12)) return null;
  const slope = sxy / sxx;
  const influence = new Float64Array(items);
  obs.forEach((o, k) => {
    influence[o.item]! += (x[k]! * (y[k]! - slope * x[k]!)) / sxx;
  });
  const used = new Set(obs.map((o) => o.item));
  const g = used.size;
  if (g < 3) return null;
  let v = 0;
  for (const i of used) v += influence[i]! ** 2;
  const se = Math.sqrt((v * g) / (g - 1));
  const q = studentTQuantile(0.975, g - 1);
  return { slope, se, ci95: { lo: slope - q * se, hi: slope + q * se }, n: obs.length, clusters: g, influence };
}

/** One item both candidates have: their score distributions (index 0 = level 1), point scores and lengths. */
export interface PairedOutput {
  item: number;
  scoreA: number;
  scoreB: number;
  /** Length of A's output minus B's, in thousands of characters. */
  dKchars: number;
  /** Posterior (or one-hot) distributions over the levels, for the win rate; null falls back to the point scores. */
  pA?: ArrayLike<number> | null;
  pB?: ArrayLike<number> | null;
}

export interface LengthControlled {
  /** Mean of score(A) − score(B) − slope × (length(A) − length(B)) / 1000 over shared items. */
  meanDiff: number;
  /** 95% interval that carries the uncertainty of the slope too (delta method, item clusters). */
  diffCi95: { lo: number; hi: number } | null;
  /** Mean over items of P(A beats B) at equal length, ties split (see preferenceAbove). */
  winRate: number;
}

/**
 * P(D > t) + ½ P(D = t) for the difference D = S_A − S_B of two independent level distributions,
 * linear between whole levels, so t = 0 gives the usual "ties split" preference exactly and a
 * length shift t moves it smoothly.
 */
export function preferenceAbove(pA: ArrayLike<number>, pB: ArrayLike<number>, t: number): number {
  const k = pA.length;
  // dist[d + k - 1] = P(S_A − S_B = d)
  const dist = new Float64Array(2 * k - 1);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) dist[a - b + k - 1]! += pA[a]! * pB[b]!;
  const at = (whole: number): number => {
    let above = 0;
    for (let d = whole + 1; d <= k - 1; d++) above += dist[d + k - 1] ?? 0;
    const equal = whole >= -(k - 1) && whole <= k - 1 ? dist[whole + k - 1]! : 0;
    return above + equal / 2;
  };
  const lo = Math.floor(t);
  const w = t - lo;
  return w === 0 ? at(lo) : (1 - w) * at(lo) + w * at(lo + 1);
}

function oneHotish(score: number, k: number): Float64Array {
  // A point score between levels is split between its two neighbours, keeping its mean.
  const p = new Float64Array(k);
  const s = Math.min(k, Math.max(1, score));
  const lo = Math.floor(s);
  const w = s - lo;
  p[lo - 1]! += 1 - w;
  if (w > 0) p[lo]! += w;
  return p;
}

/**
 * The comparison of A and B at equal length (AlpacaEval's counterfactual "what if both outputs
 * had the same length?", adapted to pointwise scores): each item's difference is corrected by
 * the fitted slope times the length difference. `fit` is the within-slope fitted on all
 * candidates of the rubric; its influence enters the interval, so a poorly determined slope
 * widens it.
 */
export function lengthControlledComparison(pairs: readonly PairedOutput[], fit: LengthFit, levels = 7): LengthControlled | null {
  const n = pairs.length;
  if (n === 0) return null;
  const adj = pairs.map((p) => p.scoreA - p.scoreB - fit.slope * p.dKchars);
  const meanDiff = adj.reduce((a, b) => a + b, 0) / n;
  const meanDk = pairs.reduce((a, p) => a + p.dKchars, 0) / n;
  let winRate = 0;
  for (const p of pairs) {
    const pA = p.pA ?? oneHotish(p.scoreA, levels);
    const pB = p.pB ?? oneHotish(p.scoreB, levels);
    winRate += preferenceAbove(pA, pB, fit.slope * p.dKchars);
  }
  winRate /= n;
  if (n < 2) return { meanDiff, diffCi95: null, winRate };
  // Influence of each item cluster on meanDiff: its own adjusted difference, and its pull on the slope.
  const contrib = new Map<number, number>();
  pairs.forEach((p, k) => {
    contrib.set(p.item, (contrib.get(p.item) ?? 0) + (adj[k]! - meanDiff) / n);
  });
  fit.influence.forEach((inf, i) => {
    if (inf !== 0) contrib.set(i, (contrib.get(i) ?? 0) - meanDk * inf);
  });
  let v = 0;
  for (const c of contrib.values()) v += c * c;
  const g = contrib.size;
  const se = Math.sqrt((v * g) / Math.max(1, g - 1));
  const q = studentTQuantile(0.975, n - 1);
  return { meanDiff, diffCi95: { lo: meanDiff - q * se, hi: meanDiff + q * se }, winRate };
}
