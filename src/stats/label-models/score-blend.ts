/**
 * Score blend (methods.md §1.7, §1.6 guard-rail): on an ordinal scale, treat each critic's label
 * as a score and combine continuously, s_i = (1 − w)·y_{i,b} + w·mean_j y_ij, where b is the
 * labeler that ranks the gold items best and w ∈ grid is chosen by k-fold cross-validated
 * Spearman on the gold items. Ties between weights go to the larger w, so equal weighting
 * (the plain mean, which §1.6 and §1.7 show is hard to beat) is the default a small gold set
 * must argue against; w = 0 is "select the best critic", for when one critic dominates.
 * No conditional-independence assumption, so prompt variants of one model may stay unmerged.
 * Without gold, or on categorical labels, it is the mean (majority vote for categories).
 */
import type { LabelMatrix } from "../label-matrix.js";
import { createRng } from "../rng.js";
import { observations } from "./em.js";
import { spearman } from "./evaluate.js";
import { finalize } from "./finalize.js";
import { majorityVote } from "./majority-vote.js";
import { bestLabeler } from "./select-best.js";
import type { CommonOptions, LabelModelFit } from "./types.js";

export interface ScoreBlendOptions extends CommonOptions {
  /** Candidate weights on the mean (default [0, 0.5, 1]). */
  weights?: readonly number[];
  /** Folds for choosing w (default 5). */
  folds?: number;
  /** Fold assignments averaged when choosing w (default 5). */
  repeats?: number;
  /** Seed for the fold assignment. */
  seed?: number | string;
  /**
   * false: gold only chooses (labeler, w); gold items keep their blended critic score, so every
   * estimate is on the critics' scale (default true: gold items take their gold label).
   */
  clampGold?: boolean;
}

/** Per item: mean class index over the labels it has; NaN when it has none. */
export function meanIndex(m: LabelMatrix): Float64Array {
  const out = new Float64Array(m.nItems);
  for (let i = 0; i < m.nItems; i++) {
    let s = 0;
    let n = 0;
    for (let j = 0; j < m.nLabelers; j++) {
      const y = m.labels[i * m.nLabelers + j];
      if (y >= 0) {
        s += y;
        n++;
      }
    }
    out[i] = n ? s / n : Number.NaN;
  }
  return out;
}

/** s_i in class-index units; the chosen labeler's gaps are filled with the mean. */
export function blendIndex(m: LabelMatrix, mean: Float64Array, j: number, w: number): Float64Array {
  const out = new Float64Array(m.nItems);
  for (let i = 0; i < m.nItems; i++) {
    const y = j < 0 ? -1 : m.labels[i * m.nLabelers + j];
    out[i] = y < 0 ? mean[i] : (1 - w) * y + w * mean[i];
  }
  return out;
}

/** The items that have a gold label, in a seeded random order (for cross-validation folds). */
export function shuffledGoldItems(gold: Int32Array, seed: number | string): number[] {
  const items: number[] = [];
  for (let i = 0; i < gold.length; i++) if (gold[i] >= 0) items.push(i);
  const rng = createRng(seed);
  for (let a = items.length - 1; a > 0; a--) {
    const b = rng.int(a + 1);
    [items[a], items[b]] = [items[b], items[a]];
  }
  return items;
}

/**
 * Pick (labeler, w) on gold: w by pooled k-fold Spearman, averaged over `repeats` fold
 * assignments (the partition is noise a 50-item gold set cannot afford), with the labeler
 * re-chosen inside each fold so the winner's curse of picking it is part of the estimate.
 */
export function chooseBlend(m: LabelMatrix, gold: Int32Array, opts: ScoreBlendOptions = {}) {
  const weights = opts.weights ?? [0, 0.5, 1];
  const repeats = opts.repeats ?? 5;
  const mean = meanIndex(m);
  const cv = new Float64Array(weights.length);
  for (let rep = 0; rep < repeats; rep++) {
    const items = shuffledGoldItems(gold, `${opts.seed ?? 1}:${rep}`);
    const nFolds = Math.max(2, Math.min(opts.folds ?? 5, items.length));
    const est = weights.map(() => [] as number[]);
    const truth: number[] = [];
    for (let f = 0; f < nFolds; f++) {
      const train = Int32Array.from(gold);
      const held = items.filter((_, r) => r % nFolds === f);
      for (const i of held) train[i] = -1;
      const j = bestLabeler(m, train);
      weights.forEach((w, a) => {
        for (const i of held) {
          const y = j < 0 ? -1 : m.labels[i * m.nLabelers + j];
          est[a].push(y < 0 ? mean[i] : (1 - w) * y + w * mean[i]);
        }
      });
      for (const i of held) truth.push(gold[i]);
    }
    weights.forEach((_, a) => {
      cv[a] += (spearman(est[a], truth) ?? 0) / repeats;
    });
  }
  // Ties go to the larger weight on the mean: equal weighting is the prior, gold must beat it.
  let pick = 0;
  weights.forEach((w, a) => {
    if (cv[a] > cv[pick] || (cv[a] === cv[pick] && w > weights[pick])) pick = a;
  });
  return { labeler: bestLabeler(m, gold), w: weights[pick], cv: weights.map((w, a) => ({ w, spearman: cv[a] })) };
}

/** Two-point posterior on the adjacent levels around s, so that Σ_k value_k·T_ik = value(s). */
function twoPoint(m: LabelMatrix, s: Float64Array, gold?: Int32Array): Float64Array {
  const { k } = m;
  const post = new Float64Array(m.nItems * k);
  for (let i = 0; i < m.nItems; i++) {
    if (gold && gold[i] >= 0) {
      post[i * k + gold[i]] = 1;
      continue;
    }
    if (Number.isNaN(s[i])) continue;
    const lo = Math.min(k - 1, Math.max(0, Math.floor(s[i])));
    const frac = Math.min(1, Math.max(0, s[i] - lo));
    post[i * k + lo] += 1 - frac;
    if (frac > 0) post[i * k + lo + 1] += frac;
  }
  return post;
}

/**
 * @example scoreBlend(m, { gold }).method // "blend:gpt-4@0.5" (w = weight on the mean)
 */
export function scoreBlend(m: LabelMatrix, opts: ScoreBlendOptions = {}): LabelModelFit {
  if (!m.ordinal) return { ...majorityVote(m, opts), method: "blend:mean" };
  const gold = opts.gold;
  const hasGold = !!gold && gold.some((g) => g >= 0);
  const { labeler, w } = hasGold ? chooseBlend(m, gold, opts) : { labeler: -1, w: 1 };
  const mean = meanIndex(m);
  const s = blendIndex(m, mean, labeler, w);
  const clamp = opts.clampGold === false ? undefined : gold;
  const posterior = twoPoint(m, s, clamp);
  const obs = observations(m);
  const classPrior = new Float64Array(m.k);
  let n = 0;
  for (let i = 0; i < m.nItems; i++) {
    if (obs.start[i + 1] === obs.start[i]) continue;
    n++;
    for (let c = 0; c < m.k; c++) classPrior[c] += posterior[i * m.k + c];
  }
  for (let c = 0; c < m.k; c++) classPrior[c] = n ? classPrior[c] / n : 1 / m.k;
  const name = labeler < 0 || w === 1 ? "blend:mean" : `blend:${m.labelerIds[labeler]}@${w}`;
  const parts = { method: name, posterior, classPrior, logLikelihood: [], iterations: 0, converged: true, nParams: hasGold ? 2 : 0 };
  return finalize(m, obs, parts, clamp);
}
