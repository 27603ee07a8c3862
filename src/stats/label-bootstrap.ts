/**
 * Label-model uncertainty by a refitting item bootstrap (Efron and Tibshirani, "An Introduction
 * to the Bootstrap", 1993, ch. 6): resample items with replacement (an item's outputs for every
 * candidate together, so paired differences keep their pairing), refit the label model that
 * made the point estimate, and recompute each candidate's mean score and each pair's mean
 * difference. The replicates' spread is a standard error in which the critics' fitted leniency
 * and noise move with the data; a t interval on the posterior means takes them as known.
 *
 * Cost: rows with the same labels (and gold) are fitted once with their multiplicity, so a
 * resample is a reweighting (three critics on a seven-point scale give at most 343 distinct
 * rows, however many outputs), and each refit starts at the point fit's parameters.
 */
import { sampleStandardDeviation } from "simple-statistics";
import type { LabelMatrix } from "./label-matrix.js";
import { posteriorMean } from "./label-models/evaluate.js";
import type { CommonOptions, LabelModelFit } from "./label-models/types.js";
import type { Rng } from "./rng.js";

/**
 * Resamples by default: a standard error needs 25 to 200 (Efron and Tibshirani 1993, §6.4); at 50
 * its own coefficient of variation is about 10%, and the interval never uses less than the t
 * interval's SE anyway.
 */
export const LABEL_MODEL_ROUNDS = 50;

/** A fitted label model and how to fit it again, as the bootstrap needs it. */
export interface RefitSpec {
  /** Units x labelers, the matrix the point fit saw. */
  matrix: LabelMatrix;
  /** Per unit: gold class index or -1 (a gold-anchored fit clamps these in every refit too). */
  gold?: Int32Array;
  /** The point fit (its posterior warm-starts each refit). */
  fit: LabelModelFit;
  /** The same model with the same settings; `opts` carries gold, item weights and the warm start. */
  refit: (m: LabelMatrix, opts: CommonOptions) => LabelModelFit;
}

export interface LabelModelSe {
  /** Per candidate: bootstrap standard error of the mean score over its scored outputs (null when it cannot be computed). */
  mean: (number | null)[];
  /** Per pair a < b: standard error of the mean paired difference a − b; `diff[a][b]`. */
  diff: (number | null)[][];
  rounds: number;
}

/** Distinct label rows: the compressed matrix, each unit's row in it, and the rows' gold. */
function distinctRows(spec: RefitSpec): { matrix: LabelMatrix; rowOf: Int32Array; gold: Int32Array | undefined; init: Float64Array } {
  const { matrix: m, gold, fit } = spec;
  const w = m.nLabelers;
  const index = new Map<string, number>();
  const rowOf = new Int32Array(m.nItems);
  const first: number[] = [];
  for (let u = 0; u < m.nItems; u++) {
    const key = `${m.labels.subarray(u * w, (u + 1) * w).join(",")}|${gold ? gold[u] : -1}`;
    let r = index.get(key);
    if (r === undefined) {
      r = first.length;
      index.set(key, r);
      first.push(u);
    }
    rowOf[u] = r;
  }
  const labels = new Int32Array(first.length * w);
  const init = new Float64Array(first.length * m.k);
  first.forEach((u, r) => {
    labels.set(m.labels.subarray(u * w, (u + 1) * w), r * w);
    init.set(fit.posterior.subarray(u * m.k, (u + 1) * m.k), r * m.k);
  });
  const compressed: LabelMatrix = { ...m, nItems: first.length, labels, itemIds: first.map((u) => m.itemIds[u] ?? String(u)), duplicates: 0, unlabeledItems: [] };
  return { matrix: compressed, rowOf, gold: gold ? Int32Array.from(first, (u) => gold[u]!) : undefined, init };
}

/**
 * EM stops a refit when the log-likelihood moves by less than this share of itself: ten times
 * the point fit's default, which halves the iterations from a warm start and moved the standard
 * errors measured on seeded simulations by about 1%, well inside a 50-replicate bootstrap's own
 * Monte Carlo error (about 10%).
 */
const REFIT_TOL = 1e-5;

/** The replicates' standard deviation, over those that could be computed. */
function sd(xs: number[]): number | null {
  const v = xs.filter(Number.isFinite);
  return v.length < 2 ? null : sampleStandardDeviation(v);
}

/**
 * Bootstrap standard errors of the candidates' mean scores and of their paired mean
 * differences, with the label model refitted on every resample. `at[item][candidate]` is the
 * unit (row of `spec.matrix`) of that output, undefined when there is none; a unit with no label
 * has no score and counts nowhere, as in the point estimate. The score of a unit is its
 * posterior mean on the levels 1..K.
 *
 * @example
 * const se = labelModelSe({ matrix, fit, refit: (m, o) => ordinal(m, o) }, at, createRng("seed:rubric"));
 * se.mean[0]; se.diff[0][1];
 */
export function labelModelSe(spec: RefitSpec, at: ReadonlyArray<ReadonlyArray<number | undefined>>, rng: Rng, rounds = LABEL_MODEL_ROUNDS): LabelModelSe {
  const { matrix: m } = spec;
  const nCand = at.reduce((c, row) => Math.max(c, row.length), 0);
  const rows = distinctRows(spec);
  const scored = new Uint8Array(m.nItems);
  for (let u = 0; u < m.nItems; u++) for (let j = 0; j < m.nLabelers; j++) if (m.labels[u * m.nLabelers + j]! >= 0) scored[u] = 1;
  // Per item and candidate: the distinct row of a scored output, or -1.
  const cell = at.map((row) => Int32Array.from({ length: nCand }, (_, c) => (row[c] !== undefined && scored[row[c]!] ? rows.rowOf[row[c]!]! : -1)));
  const means: number[][] = Array.from({ length: nCand }, () => []);
  const diffs: number[][][] = Array.from({ length: nCand }, () => Array.from({ length: nCand }, () => []));
  const weights = new Float64Array(rows.matrix.nItems);
  const drawn = new Int32Array(at.length);
  for (let r = 0; r < rounds; r++) {
    drawn.fill(0);
    for (let i = 0; i < at.length; i++) drawn[rng.int(at.length)]!++;
    // Every unit of a drawn item counts, scored or not, as every unit entered the point fit.
    weights.fill(0);
    at.forEach((row, i) => {
      if (!drawn[i]) return;
      for (const u of row) if (u !== undefined) weights[rows.rowOf[u]!]! += drawn[i]!;
    });
    const fit = spec.refit(rows.matrix, { gold: rows.gold, itemWeights: weights, init: rows.init, tol: REFIT_TOL });
    const level = posteriorMean(rows.matrix, fit.posterior);
    for (let a = 0; a < nCand; a++) {
      let sum = 0;
      let n = 0;
      cell.forEach((row, i) => {
        if (drawn[i] && row[a]! >= 0) {
          sum += drawn[i]! * level[row[a]!]!;
          n += drawn[i]!;
        }
      });
      means[a]!.push(n ? sum / n : Number.NaN);
      for (let b = a + 1; b < nCand; b++) {
        let d = 0;
        let nd = 0;
        cell.forEach((row, i) => {
          if (drawn[i] && row[a]! >= 0 && row[b]! >= 0) {
            d += drawn[i]! * (level[row[a]!]! - level[row[b]!]!);
            nd += drawn[i]!;
          }
        });
        diffs[a]![b]!.push(nd ? d / nd : Number.NaN);
      }
    }
  }
  return { mean: means.map(sd), diff: diffs.map((row) => row.map(sd)), rounds };
}
