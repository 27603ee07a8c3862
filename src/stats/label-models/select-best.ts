/**
 * "Select, don't combine" (methods.md §1.7): the single labeler that scores best on gold,
 * with a fallback posterior where it gave no label. Also the best-single-labeler baseline.
 */
import type { LabelMatrix } from "../label-matrix.js";
import { spearman } from "./evaluate.js";
import { labelerQuality } from "./finalize.js";
import { observations } from "./em.js";
import type { LabelModelFit } from "./types.js";

/**
 * Score of one labeler on the gold items it labelled: Spearman of its raw labels with gold on
 * ordinal scales with K ≥ 3, accuracy otherwise. null below `minItems` overlapping items.
 */
export function labelerGoldScore(m: LabelMatrix, j: number, gold: Int32Array, minItems = 5): { n: number; score: number | null } {
  const ys: number[] = [];
  const gs: number[] = [];
  let hits = 0;
  for (let i = 0; i < m.nItems; i++) {
    const y = m.labels[i * m.nLabelers + j];
    if (y < 0 || gold[i] < 0) continue;
    ys.push(y);
    gs.push(gold[i]);
    if (y === gold[i]) hits++;
  }
  if (ys.length < minItems) return { n: ys.length, score: null };
  return { n: ys.length, score: m.ordinal && m.k >= 3 ? spearman(ys, gs) : hits / ys.length };
}

/** Index of the labeler with the best gold score (most overlap breaks ties), or -1. */
export function bestLabeler(m: LabelMatrix, gold: Int32Array, minItems = 5): number {
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  let bestN = 0;
  for (let j = 0; j < m.nLabelers; j++) {
    const { n, score } = labelerGoldScore(m, j, gold, minItems);
    if (score === null) continue;
    if (score > bestScore || (score === bestScore && n > bestN)) {
      best = j;
      bestScore = score;
      bestN = n;
    }
  }
  return best;
}

/**
 * The chosen labeler's labels as a one-hot posterior; items it skipped take `fallback`'s row.
 * @example selectLabeler(m, bestLabeler(m, gold), majorityVote(m))
 */
export function selectLabeler(m: LabelMatrix, j: number, fallback: LabelModelFit): LabelModelFit {
  const { k, nItems, nLabelers } = m;
  const posterior = Float64Array.from(fallback.posterior);
  const labels = Int32Array.from(fallback.labels);
  for (let i = 0; i < nItems; i++) {
    const y = m.labels[i * nLabelers + j];
    if (y < 0) continue;
    posterior.fill(0, i * k, (i + 1) * k);
    posterior[i * k + y] = 1;
    labels[i] = y;
  }
  return {
    ...fallback,
    method: `select:${m.labelerIds[j]}`,
    posterior,
    labels,
    labelerQuality: labelerQuality(m, observations(m), posterior),
    nParams: 0,
  };
}
