/**
 * Dawid–Skene EM (Dawid & Skene 1979; methods.md §1.1–1.2, Crowd-Kit's step order):
 * per-labeler K×K confusion matrices, MAP with an optional Dirichlet prior on each row.
 */
import type { LabelMatrix } from "../label-matrix.js";
import { type MStep, observations, runEm, updatePrior } from "./em.js";
import { finalize, priorFromLog } from "./finalize.js";
import type { CommonOptions, LabelModelFit } from "./types.js";

/**
 * Dirichlet pseudo-counts added to every confusion row (methods.md §1.2 step 2, §1.3, §1.6 (b)).
 * - symmetric: α on every cell (α = 0 is the MLE, the default);
 * - diagonal: a on the diagonal, b elsewhere (a = 2, b = 1 as in IBCC tutorials);
 * - banded: α0·exp(−(k−l)²/2s²), for ordinal scales ("off by one beats off by five").
 */
export type DirichletPrior =
  | { kind: "symmetric"; alpha: number }
  | { kind: "diagonal"; a: number; b: number }
  | { kind: "banded"; alpha0: number; s: number };

export interface DawidSkeneOptions extends CommonOptions {
  prior?: DirichletPrior;
  /** Additive smoothing β on the class prior π (0 = MLE). */
  beta?: number;
}

/** K×K pseudo-count matrix, [true k][given l]. */
export function priorCounts(k: number, prior?: DirichletPrior): Float64Array {
  const a = new Float64Array(k * k);
  for (let t = 0; t < k; t++) {
    for (let l = 0; l < k; l++) {
      if (!prior) continue;
      if (prior.kind === "symmetric") a[t * k + l] = prior.alpha;
      else if (prior.kind === "diagonal") a[t * k + l] = t === l ? prior.a : prior.b;
      else a[t * k + l] = prior.alpha0 * Math.exp(-((t - l) ** 2) / (2 * prior.s * prior.s));
    }
  }
  return a;
}

/** θ_j[k][l] = (α_kl + Σ T_ik·1[y=l]) / Σ_l(...); counts clipped at 1e-10 as in Crowd-Kit. */
export function dsMStep(k: number, nLabelers: number, prior?: DirichletPrior, beta = 0): MStep {
  const alpha = priorCounts(k, prior);
  return (counts, classTotals, logPi, logTheta) => {
    updatePrior(classTotals, logPi, beta);
    for (let j = 0; j < nLabelers; j++) {
      for (let t = 0; t < k; t++) {
        let row = 0;
        for (let l = 0; l < k; l++) row += Math.max(counts[(j * k + l) * k + t] + alpha[t * k + l], 1e-10);
        for (let l = 0; l < k; l++) {
          const v = Math.max(counts[(j * k + l) * k + t] + alpha[t * k + l], 1e-10);
          logTheta[(j * k + l) * k + t] = Math.log(v / row);
        }
      }
    }
  };
}

/**
 * @example dawidSkene(matrix, { prior: { kind: "diagonal", a: 2, b: 1 } }).posterior
 */
export function dawidSkene(m: LabelMatrix, opts: DawidSkeneOptions = {}): LabelModelFit {
  const obs = observations(m);
  const em = runEm(m, obs, dsMStep(m.k, m.nLabelers, opts.prior, opts.beta), opts);
  const name = !opts.prior ? "ds" : opts.prior.kind === "banded" ? "ds-banded" : "ds-prior";
  return finalize(
    m,
    obs,
    {
      method: name,
      posterior: em.posterior,
      classPrior: priorFromLog(em.logPi),
      logLikelihood: em.logLikelihood,
      iterations: em.iterations,
      converged: em.converged,
      logTheta: em.logTheta,
      nParams: m.nLabelers * m.k * (m.k - 1) + m.k - 1,
    },
    opts.gold,
  );
}
