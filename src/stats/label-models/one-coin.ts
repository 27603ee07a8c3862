/**
 * One-coin Dawid–Skene (methods.md §1.4): one accuracy p_j per labeler, errors spread evenly,
 * MAP with a Beta(a, b) prior (Beta(2,2) by default, the §1.3 setting that repairs ZenCrowd).
 */
import type { LabelMatrix } from "../label-matrix.js";
import { type MStep, observations, runEm, updatePrior } from "./em.js";
import { finalize, priorFromLog } from "./finalize.js";
import type { CommonOptions, LabelModelFit } from "./types.js";

export interface OneCoinOptions extends CommonOptions {
  /** Beta prior on each labeler's accuracy. */
  a?: number;
  b?: number;
  /**
   * One accuracy shared by every labeler: majority vote written as a likelihood model (its
   * posterior's argmax is the vote, ties aside), so held-out likelihood can score majority vote.
   */
  pooled?: boolean;
}

function oneCoinMStep(k: number, nLabelers: number, a: number, b: number, pooled: boolean): MStep {
  const tally = (counts: Float64Array, from: number, to: number) => {
    let agree = 0;
    let total = 0;
    for (let j = from; j < to; j++) {
      for (let l = 0; l < k; l++) {
        for (let t = 0; t < k; t++) {
          const c = counts[(j * k + l) * k + t];
          total += c;
          if (t === l) agree += c;
        }
      }
    }
    return { agree, total };
  };
  return (counts, classTotals, logPi, logTheta) => {
    updatePrior(classTotals, logPi);
    const all = pooled ? tally(counts, 0, nLabelers) : null;
    for (let j = 0; j < nLabelers; j++) {
      const { agree, total } = all ?? tally(counts, j, j + 1);
      const denom = total + a + b - 2;
      const raw = denom > 0 ? (agree + a - 1) / denom : 1 / k;
      const p = Math.min(1 - 1e-6, Math.max(1e-6, raw));
      const on = Math.log(p);
      const off = Math.log((1 - p) / (k - 1));
      for (let l = 0; l < k; l++) for (let t = 0; t < k; t++) logTheta[(j * k + l) * k + t] = t === l ? on : off;
    }
  };
}

/** @example oneCoin(matrix, { a: 2, b: 2 }).labelerQuality[0].accuracy */
export function oneCoin(m: LabelMatrix, opts: OneCoinOptions = {}): LabelModelFit {
  const obs = observations(m);
  const em = runEm(m, obs, oneCoinMStep(m.k, m.nLabelers, opts.a ?? 2, opts.b ?? 2, !!opts.pooled), opts);
  return finalize(
    m,
    obs,
    {
      method: opts.pooled ? "one-coin-pooled" : "one-coin",
      posterior: em.posterior,
      classPrior: priorFromLog(em.logPi),
      logLikelihood: em.logLikelihood,
      iterations: em.iterations,
      converged: em.converged,
      logTheta: em.logTheta,
      nParams: (opts.pooled ? 1 : m.nLabelers) + m.k - 1,
    },
    opts.gold,
  );
}
