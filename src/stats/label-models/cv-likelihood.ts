/**
 * Held-out predictive likelihood of the labels themselves: the criterion `auto` uses to choose a
 * label model without gold. The observed (item, labeler) cells are split into folds; each
 * model is fitted with one fold hidden and scored by log P(y_ij | the item's other labels) =
 * log Σ_k T_ik·θ_j[k][y_ij] on the hidden cells, T from the fit that did not see them.
 *
 * Cross-validated log predictive density is the standard model-selection criterion when no
 * truth is observed (Stone 1977, to which AIC is asymptotically equivalent; Gelman, Hwang and
 * Vehtari 2014, "Understanding predictive information criteria"). Unlike AIC it needs no
 * parameter count, so it judges a 42-parameter confusion matrix, a 2-parameter ordinal critic
 * and sparse labelers on one footing, and a model that overfits pays on labels it did not see.
 */
import type { LabelMatrix } from "../label-matrix.js";
import { createRng } from "../rng.js";
import type { LabelModelFit } from "./types.js";

export interface HeldOutScore {
  /** Σ over held-out cells of log P(y | other labels), in nats. */
  total: number;
  /** Mean per held-out label (nats): comparable across data sets of different size. */
  perLabel: number;
  /** Per item: the summed held-out log-likelihood of its labels. */
  perItem: Float64Array;
  /** Per observed cell, row-major order of the matrix's observed cells. */
  perCell: Float64Array;
  cells: number;
}

/** Fold of each observed cell (row-major over the matrix), -1 for empty cells. */
export function cellFolds(m: LabelMatrix, folds: number, seed: number | string): Int8Array {
  const rng = createRng(seed);
  const out = new Int8Array(m.labels.length).fill(-1);
  // Deal the cells out in a random order, so every fold holds ~1/F of them.
  const cells: number[] = [];
  for (let c = 0; c < m.labels.length; c++) if (m.labels[c] >= 0) cells.push(c);
  for (let a = cells.length - 1; a > 0; a--) {
    const b = rng.int(a + 1);
    [cells[a], cells[b]] = [cells[b], cells[a]];
  }
  cells.forEach((c, r) => {
    out[c] = r % folds;
  });
  return out;
}

/**
 * F-fold held-out log-likelihood of the labels under `fitModel` (which must return logTheta or latent).
 * @example heldOutLogLik(m, (mm) => dawidSkene(mm), { folds: 5 }).perLabel
 */
export function heldOutLogLik(
  m: LabelMatrix,
  fitModel: (train: LabelMatrix) => LabelModelFit,
  opts: { folds?: number; seed?: number | string } = {},
): HeldOutScore | null {
  const folds = opts.folds ?? 5;
  const fold = cellFolds(m, folds, opts.seed ?? 1);
  const { k, nLabelers } = m;
  const perItem = new Float64Array(m.nItems);
  const cellIndex = new Int32Array(m.labels.length).fill(-1);
  let nObs = 0;
  for (let c = 0; c < m.labels.length; c++) if (m.labels[c] >= 0) cellIndex[c] = nObs++;
  const perCell = new Float64Array(nObs);
  let total = 0;
  let cells = 0;
  for (let f = 0; f < folds; f++) {
    const labels = Int32Array.from(m.labels);
    for (let c = 0; c < labels.length; c++) if (fold[c] === f) labels[c] = -1;
    const fit = fitModel({ ...m, labels });
    // Predict from the finest latent state the model has: the class, or its subtypes.
    const states = fit.latent?.states ?? k;
    const post = fit.latent?.posterior ?? fit.posterior;
    const logTheta = fit.latent?.logTheta ?? fit.logTheta;
    if (!logTheta) return null;
    for (let c = 0; c < labels.length; c++) {
      if (fold[c] !== f) continue;
      const i = Math.floor(c / nLabelers);
      const j = c % nLabelers;
      const base = (j * k + m.labels[c]) * states;
      let p = 0;
      for (let t = 0; t < states; t++) p += post[i * states + t] * Math.exp(logTheta[base + t]);
      const ll = Math.log(Math.max(p, 1e-300));
      perItem[i] += ll;
      perCell[cellIndex[c]] = ll;
      total += ll;
      cells++;
    }
  }
  return { total, perLabel: cells ? total / cells : 0, perItem, perCell, cells };
}

/**
 * Standard error of Σ_c (a_c − b_c) over the observed cells, clustered two ways: cells that
 * share an item, and cells that share a labeler, are dependent (the labeler's parameters are
 * what the models differ in). Two-way cluster-robust variance, Cameron, Gelbach and Miller
 * (2011): V = V_items + V_labelers − V_cells, each V_g = Σ_g (Σ_{c∈g} d_c − n_g·d̄)².
 */
export function twoWaySe(m: LabelMatrix, a: Float64Array, b: Float64Array): number {
  const n = a.length;
  if (n < 2) return Number.POSITIVE_INFINITY;
  let mean = 0;
  for (let c = 0; c < n; c++) mean += a[c] - b[c];
  mean /= n;
  const byItem = new Float64Array(m.nItems);
  const byLabeler = new Float64Array(m.nLabelers);
  let vCell = 0;
  let p = 0;
  for (let c = 0; c < m.labels.length; c++) {
    if (m.labels[c] < 0) continue;
    const d = a[p] - b[p] - mean;
    byItem[Math.floor(c / m.nLabelers)] += d;
    byLabeler[c % m.nLabelers] += d;
    vCell += d * d;
    p++;
  }
  let vItem = 0;
  for (const s of byItem) vItem += s * s;
  let vLab = 0;
  for (const s of byLabeler) vLab += s * s;
  return Math.sqrt(Math.max(vCell, vItem + vLab - vCell));
}
