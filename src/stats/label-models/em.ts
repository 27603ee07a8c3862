/**
 * Shared EM machinery for the confusion-matrix family (methods.md §1.2): item-major
 * observation lists, soft majority-vote init, log-space E-step with max-shift, and the
 * sufficient statistics every M-step needs. Typed arrays only; no per-item objects.
 */
import type { LabelMatrix } from "../label-matrix.js";
import type { CommonOptions } from "./types.js";

/** Item-major (CSR) view of the labels: observations of item i are start[i]..start[i+1]. */
export interface Observations {
  start: Int32Array;
  labeler: Int32Array;
  label: Int32Array;
  /** (labeler·K + label)·K: offset of the K-vector log θ_j[·][label] in a theta table. */
  base: Int32Array;
  /** Labels per labeler. */
  perLabeler: Int32Array;
}

export function observations(m: LabelMatrix): Observations {
  const { nItems: n, nLabelers: w, k, labels } = m;
  let total = 0;
  for (let c = 0; c < labels.length; c++) if (labels[c] >= 0) total++;
  const start = new Int32Array(n + 1);
  const labeler = new Int32Array(total);
  const label = new Int32Array(total);
  const base = new Int32Array(total);
  const perLabeler = new Int32Array(w);
  let p = 0;
  for (let i = 0; i < n; i++) {
    start[i] = p;
    const row = i * w;
    for (let j = 0; j < w; j++) {
      const y = labels[row + j];
      if (y < 0) continue;
      labeler[p] = j;
      label[p] = y;
      base[p] = (j * k + y) * k;
      perLabeler[j]++;
      p++;
    }
  }
  start[n] = p;
  return { start, labeler, label, base, perLabeler };
}

/** Soft majority vote T_ik = votes_k / |W(i)| (methods.md §1.2 step 1); gold rows one-hot. */
export function softMajority(m: LabelMatrix, obs: Observations, gold?: Int32Array): Float64Array {
  const k = m.k;
  const t = new Float64Array(m.nItems * k);
  for (let i = 0; i < m.nItems; i++) {
    const a = obs.start[i];
    const b = obs.start[i + 1];
    const row = i * k;
    if (gold && gold[i] >= 0) {
      t[row + gold[i]] = 1;
      continue;
    }
    if (b === a) {
      for (let c = 0; c < k; c++) t[row + c] = 1 / k;
      continue;
    }
    for (let p = a; p < b; p++) t[row + obs.label[p]] += 1 / (b - a);
  }
  return t;
}

/**
 * Sufficient statistics of T: counts[(j·K + l)·K + k] = Σ_{i∈I(j), y_ij=l} w_i·T_ik, and the
 * class totals Σ_i w_i·T_ik (w_i = 1 unless item weights are given).
 */
export function sufficientStats(
  k: number,
  nLabelers: number,
  obs: Observations,
  t: Float64Array,
  counts: Float64Array = new Float64Array(nLabelers * k * k),
  classTotals: Float64Array = new Float64Array(k),
  weights?: Float64Array,
): { counts: Float64Array; classTotals: Float64Array } {
  counts.fill(0);
  classTotals.fill(0);
  const n = obs.start.length - 1;
  for (let i = 0; i < n; i++) {
    const row = i * k;
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    for (let c = 0; c < k; c++) classTotals[c] += w * t[row + c];
    for (let p = obs.start[i]; p < obs.start[i + 1]; p++) {
      const b = obs.base[p];
      for (let c = 0; c < k; c++) counts[b + c] += w * t[row + c];
    }
  }
  return { counts, classTotals };
}

/**
 * E-step in log space: s_ik = log π_k + Σ_j log θ_j[k][y_ij], T = softmax(s). Gold rows stay
 * one-hot and contribute s_{i,gold} (the complete-data term EM then increases).
 * Returns the marginal log-likelihood.
 */
export function eStep(
  k: number,
  obs: Observations,
  logPi: Float64Array,
  logTheta: Float64Array,
  t: Float64Array,
  gold?: Int32Array,
  weights?: Float64Array,
): number {
  const n = obs.start.length - 1;
  const s = new Float64Array(k);
  let ll = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    for (let c = 0; c < k; c++) s[c] = logPi[c];
    for (let p = obs.start[i]; p < obs.start[i + 1]; p++) {
      const b = obs.base[p];
      for (let c = 0; c < k; c++) s[c] += logTheta[b + c];
    }
    const row = i * k;
    if (gold && gold[i] >= 0) {
      for (let c = 0; c < k; c++) t[row + c] = 0;
      t[row + gold[i]] = 1;
      ll += w * s[gold[i]];
      continue;
    }
    let max = s[0];
    for (let c = 1; c < k; c++) if (s[c] > max) max = s[c];
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(s[c] - max);
      t[row + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) t[row + c] /= sum;
    ll += w * (max + Math.log(sum));
  }
  return ll;
}

/** π_k = (β + Σ_i T_ik)/(Kβ + n), clipped away from 0 (methods.md §1.2 step 2). */
export function updatePrior(classTotals: Float64Array, logPi: Float64Array, beta = 0): void {
  const k = classTotals.length;
  let total = 0;
  for (let c = 0; c < k; c++) total += classTotals[c] + beta;
  for (let c = 0; c < k; c++) logPi[c] = Math.log(Math.max((classTotals[c] + beta) / total, 1e-10));
}

/** Parameter update from the sufficient statistics: fills logPi and logTheta in place. */
export type MStep = (counts: Float64Array, classTotals: Float64Array, logPi: Float64Array, logTheta: Float64Array) => void;

export interface EmResult {
  posterior: Float64Array;
  logPi: Float64Array;
  logTheta: Float64Array;
  logLikelihood: number[];
  iterations: number;
  converged: boolean;
}

/**
 * init → M-step → (E-step → M-step)* until |ΔlogL| < tol·|logL| or maxIter E-steps
 * (Crowd-Kit's order, methods.md §1.2 step 4; tol 1e-6, 100 iterations by default).
 */
export function runEm(m: LabelMatrix, obs: Observations, mStep: MStep, opts: CommonOptions = {}): EmResult {
  const { k, nLabelers } = m;
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-6;
  const t = opts.init ? Float64Array.from(opts.init) : softMajority(m, obs, opts.gold);
  const logPi = new Float64Array(k);
  const logTheta = new Float64Array(nLabelers * k * k);
  const w = opts.itemWeights;
  const stats = sufficientStats(k, nLabelers, obs, t, undefined, undefined, w);
  mStep(stats.counts, stats.classTotals, logPi, logTheta);
  const history: number[] = [];
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    const ll = eStep(k, obs, logPi, logTheta, t, opts.gold, w);
    const prev = history.length ? history[history.length - 1] : null;
    history.push(ll);
    if (prev !== null && Math.abs(ll - prev) < tol * Math.abs(prev)) {
      converged = true;
      break;
    }
    if (it === maxIter - 1) break;
    sufficientStats(k, nLabelers, obs, t, stats.counts, stats.classTotals, w);
    mStep(stats.counts, stats.classTotals, logPi, logTheta);
  }
  return { posterior: t, logPi, logTheta, logLikelihood: history, iterations: history.length, converged };
}
