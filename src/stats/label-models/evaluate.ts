/**
 * Scoring a fit against gold: accuracy (hard and under random tie-breaking, methods.md §1.2
 * step 5), and for ordinal scales MAE and Spearman of the posterior-mean score.
 */
import type { LabelMatrix } from "../label-matrix.js";
import type { LabelModelFit } from "./types.js";

export interface GoldScore {
  /** Gold items scored. */
  n: number;
  accuracy: number | null;
  /** Accuracy when argmax ties are broken uniformly at random (expected value). */
  expectedAccuracy: number | null;
  /** Ordinal only: mean |E[z] − gold| in scale points. */
  mae: number | null;
  /** Ordinal only: Spearman between E[z] and gold. */
  spearman: number | null;
}

/** Average ranks (ties share their mean rank), 1-based. */
export function ranks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(x.length);
  for (let a = 0; a < idx.length; ) {
    let b = a;
    while (b + 1 < idx.length && x[idx[b + 1]] === x[idx[a]]) b++;
    for (let c = a; c <= b; c++) r[idx[c]] = (a + b) / 2 + 1;
    a = b + 1;
  }
  return r;
}

/**
 * Mid-rank of each value among all values, divided by their count: a scale-free score, so
 * held-out predictions of fits made on different cross-validation folds can be pooled for one
 * Spearman (raw scores of two fits need not share a scale: a mean of critics vs one critic).
 */
export function percentileRanks(x: ArrayLike<number>): Float64Array {
  const r = ranks(x);
  for (let i = 0; i < r.length; i++) r[i] /= r.length;
  return r;
}

/** Spearman's ρ as the Pearson correlation of average ranks; null when undefined. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  if (x.length !== y.length || x.length < 2) return null;
  const rx = ranks(x);
  const ry = ranks(y);
  const n = x.length;
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** Posterior mean in scale units, Σ_k value_k·T_ik (ordinal matrices only). */
export function posteriorMean(m: LabelMatrix, posterior: Float64Array): Float64Array {
  const out = new Float64Array(m.nItems);
  for (let i = 0; i < m.nItems; i++) {
    let s = 0;
    for (let c = 0; c < m.k; c++) s += posterior[i * m.k + c] * (m.classValues[c] as number);
    out[i] = s;
  }
  return out;
}

/**
 * Score a posterior on the items where gold ≥ 0 and `include` (if given) is true.
 * @example scoreAgainstGold(m, fit, gold).accuracy
 */
export function scoreAgainstGold(
  m: LabelMatrix,
  fit: Pick<LabelModelFit, "posterior" | "labels">,
  gold: Int32Array,
  include?: (i: number) => boolean,
): GoldScore {
  const k = m.k;
  let n = 0;
  let hits = 0;
  let expected = 0;
  let absErr = 0;
  const est: number[] = [];
  const truth: number[] = [];
  const mean = m.ordinal ? posteriorMean(m, fit.posterior) : null;
  for (let i = 0; i < m.nItems; i++) {
    const g = gold[i];
    if (g < 0 || (include && !include(i))) continue;
    n++;
    if (fit.labels[i] === g) hits++;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, fit.posterior[i * k + c]);
    let ties = 0;
    for (let c = 0; c < k; c++) if (fit.posterior[i * k + c] === max) ties++;
    if (fit.posterior[i * k + g] === max) expected += 1 / ties;
    if (mean) {
      const gv = m.classValues[g] as number;
      absErr += Math.abs(mean[i] - gv);
      est.push(mean[i]);
      truth.push(gv);
    }
  }
  return {
    n,
    accuracy: n ? hits / n : null,
    expectedAccuracy: n ? expected / n : null,
    mae: mean && n ? absErr / n : null,
    spearman: mean ? spearman(est, truth) : null,
  };
}
