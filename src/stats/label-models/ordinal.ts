/**
 * Ordinal label model for Likert scales: the discretised-Gaussian bias/noise critic of
 * methods.md §1.6 (c), the ordinal analogue of Raykar et al., "Learning from crowds",
 * JMLR 2010. Two parameters per labeler: bias b_j (> 0 = lenient) and noise σ_j.
 *
 *   θ_j[k][l] = Φ((l + ½ − k − b_j)/σ_j) − Φ((l − ½ − k − b_j)/σ_j), end bins open.
 *
 * Generalised EM: the closed-form moment update is a proposal; it is accepted only if the
 * expected complete-data log-likelihood Q_j does not fall, else the step is halved, so the
 * marginal logL never decreases.
 */
import type { LabelMatrix } from "../label-matrix.js";
import { type MStep, observations, runEm, updatePrior } from "./em.js";
import { finalize, priorFromLog } from "./finalize.js";
import type { CommonOptions, LabelModelFit } from "./types.js";

export interface OrdinalOptions extends CommonOptions {
  /** Floor on σ_j in scale points (methods.md: ≈ 0.3). */
  sigmaMin?: number;
}

/** Upper tail Q(x) = 1 − Φ(x) via erfc (Numerical Recipes erfcc, relative error < 1.2e-7). */
function upperTail(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409191 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r / 2 : 1 - r / 2;
}

/** P(lo < X < hi) for standard normal X, computed on the side that keeps precision. */
function interval(lo: number, hi: number): number {
  if (lo > 0) return upperTail(lo) - upperTail(hi);
  return upperTail(-hi) - upperTail(-lo);
}

/** Fill log θ for one labeler: out[l·K + k] = log P(y = l | z = k). */
export function discretisedGaussian(k: number, b: number, sigma: number, out = new Float64Array(k * k)): Float64Array {
  for (let t = 0; t < k; t++) {
    for (let l = 0; l < k; l++) {
      const lo = l === 0 ? Number.NEGATIVE_INFINITY : (l - 0.5 - t - b) / sigma;
      const hi = l === k - 1 ? Number.POSITIVE_INFINITY : (l + 0.5 - t - b) / sigma;
      out[l * k + t] = Math.log(Math.max(interval(lo, hi), 1e-12));
    }
  }
  return out;
}

function expectedLogLik(counts: Float64Array, off: number, logTheta: Float64Array, kk: number): number {
  let q = 0;
  for (let c = 0; c < kk; c++) q += counts[off + c] * logTheta[c];
  return q;
}

function ordinalMStep(k: number, nLabelers: number, sigmaMin: number, bias: Float64Array, sigma: Float64Array): MStep {
  const kk = k * k;
  const cand = new Float64Array(kk);
  const old = new Float64Array(kk);
  let first = true;
  return (counts, classTotals, logPi, logTheta) => {
    updatePrior(classTotals, logPi);
    for (let j = 0; j < nLabelers; j++) {
      const off = j * kk;
      let n = 0;
      let s1 = 0;
      for (let l = 0; l < k; l++) {
        for (let t = 0; t < k; t++) {
          const c = counts[off + l * k + t];
          n += c;
          s1 += c * (l - t);
        }
      }
      if (n <= 0) {
        discretisedGaussian(k, bias[j], sigma[j], cand);
        logTheta.set(cand, off);
        continue;
      }
      const b = s1 / n;
      let s2 = 0;
      for (let l = 0; l < k; l++) for (let t = 0; t < k; t++) s2 += counts[off + l * k + t] * (l - t - b) ** 2;
      const sd = Math.sqrt(Math.max(sigmaMin * sigmaMin, s2 / n));
      if (first) {
        bias[j] = b;
        sigma[j] = sd;
        logTheta.set(discretisedGaussian(k, b, sd, cand), off);
        continue;
      }
      const qOld = expectedLogLik(counts, off, discretisedGaussian(k, bias[j], sigma[j], old), kk);
      let step = 1;
      let accepted = false;
      for (let h = 0; h < 10 && !accepted; h++, step /= 2) {
        const nb = bias[j] + step * (b - bias[j]);
        const ns = sigma[j] + step * (sd - sigma[j]);
        if (expectedLogLik(counts, off, discretisedGaussian(k, nb, ns, cand), kk) >= qOld) {
          bias[j] = nb;
          sigma[j] = ns;
          accepted = true;
        }
      }
      logTheta.set(accepted ? cand : old, off);
    }
    first = false;
  };
}

/** Fitted bias/noise next to the usual fit. */
export interface OrdinalFit extends LabelModelFit {
  bias: Float64Array;
  sigma: Float64Array;
}

/** @example ordinal(likertMatrix).labelerQuality.map((q) => q.bias) */
export function ordinal(m: LabelMatrix, opts: OrdinalOptions = {}): OrdinalFit {
  const obs = observations(m);
  const bias = new Float64Array(m.nLabelers);
  const sigma = new Float64Array(m.nLabelers).fill(1);
  const em = runEm(m, obs, ordinalMStep(m.k, m.nLabelers, opts.sigmaMin ?? 0.3, bias, sigma), opts);
  const fit = finalize(
    m,
    obs,
    {
      method: "ordinal",
      posterior: em.posterior,
      classPrior: priorFromLog(em.logPi),
      logLikelihood: em.logLikelihood,
      iterations: em.iterations,
      converged: em.converged,
      nParams: 2 * m.nLabelers + m.k - 1,
    },
    opts.gold,
  );
  return { ...fit, bias, sigma };
}
