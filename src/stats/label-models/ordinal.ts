/**
 * Ordinal label model for Likert scales: the discretised-Gaussian bias/noise critic of
 * methods.md §1.6 (c), the ordinal analogue of Raykar et al., "Learning from crowds",
 * JMLR 2010. Two parameters per labeler: bias b_j (> 0 = lenient) and noise σ_j.
 *
 *   θ_j[k][l] = Φ((l + ½ − k − b_j)/σ_j) − Φ((l − ½ − k − b_j)/σ_j), end bins open (±∞).
 *
 * Maximum likelihood by EM. The M-step maximises the expected complete-data log-likelihood
 * itself (a projected Newton step on (b_j, log σ_j) per iteration, step-halved until Q rises),
 * not the moment estimate, which ignores the open end bins and so misreads a lenient labeler
 * piled up on the top level.
 *
 * Identification: the true class z is on the labels' own index scale, but "every labeler is
 * lenient by one level" and "the truth is one level lower" fit almost equally well. The scale
 * is pinned by Σ_j n_j·b_j = 0 (the label-weighted average labeler is unbiased, the assumption
 * majority vote makes), imposed inside the fit, so the posterior, its mean and the reported
 * score are one estimate, with no shift applied afterwards. Gold labels, where given, anchor
 * the scale instead (the labelers' biases are then relative to gold).
 */
import type { LabelMatrix } from "../label-matrix.js";
import { type MStep, observations, runEm, updatePrior } from "./em.js";
import { finalize, priorFromLog } from "./finalize.js";
import type { CommonOptions, LabelModelFit } from "./types.js";

export interface OrdinalOptions extends CommonOptions {
  /** Floor on σ_j in scale points (methods.md: ≈ 0.3). */
  sigmaMin?: number;
  /** Fit where each true level sits on the labels' scale (default true); false = evenly spaced levels. */
  freeLevels?: boolean;
  /**
   * Begin EM from these parameters instead of the moment estimates: a refit on data close to a
   * fitted set's (a bootstrap resample) then needs a few iterations, not a cold start's dozens.
   */
  start?: OrdinalStart;
}

/** The parameters of a fit, as `start` takes them. */
export interface OrdinalStart {
  bias: Float64Array;
  sigma: Float64Array;
  levels: Float64Array;
  classPrior: Float64Array;
}

/** erfc(|x|/√2) = 2·Q(|x|) for finite x (Numerical Recipes erfcc, relative error < 1.2e-7). */
function erfcAbs(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  return (
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409191 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  );
}

/** Q(x) = 1 − Φ(x) from r = erfcAbs(x): Q(x) and Q(−x) share one r. */
function tailFrom(x: number, r: number): number {
  return x >= 0 ? r / 2 : 1 - r / 2;
}

/** Cut points between levels and their erfc, reused across calls (grown for a larger K). */
let cuts = new Float64Array(16);
let cutTails = new Float64Array(16);

/** The K − 1 cut points (l + ½ − at − b)/σ between levels, for a true level at `at`, and their erfc. */
function fillCuts(k: number, at: number, b: number, sigma: number): void {
  if (cuts.length < k) {
    cuts = new Float64Array(k);
    cutTails = new Float64Array(k);
  }
  for (let l = 0; l < k - 1; l++) {
    const x = (l + 0.5 - at - b) / sigma;
    cuts[l] = x;
    cutTails[l] = erfcAbs(x);
  }
}

/**
 * log P(y = l) between the cuts fillCuts left, end bins open: P(lo < X < hi) for standard
 * normal X, computed on the side that keeps precision. Adjacent levels share a cut, so each
 * cut's erfc is computed once, not twice (this is the hot loop of every ordinal fit).
 */
function logCell(k: number, l: number): number {
  const lo = l === 0 ? Number.NEGATIVE_INFINITY : cuts[l - 1];
  const hi = l === k - 1 ? Number.POSITIVE_INFINITY : cuts[l];
  const p =
    lo > 0
      ? tailFrom(lo, cutTails[l - 1]) - (l === k - 1 ? 0 : tailFrom(hi, cutTails[l]))
      : (l === k - 1 ? 1 : tailFrom(-hi, cutTails[l])) - (l === 0 ? 0 : tailFrom(-lo, cutTails[l - 1]));
  return Math.log(Math.max(p, 1e-12));
}

/** Fill log θ for one labeler: out[l·K + k] = log P(y = l | z = k). */
export function discretisedGaussian(k: number, b: number, sigma: number, out: Float64Array = new Float64Array(k * k), mu?: Float64Array): Float64Array {
  for (let t = 0; t < k; t++) {
    fillCuts(k, mu ? mu[t] : t, b, sigma);
    for (let l = 0; l < k; l++) out[l * k + t] = logCell(k, l);
  }
  return out;
}

/** Population prior on the labelers: b ~ N(0, tauB2), log σ ~ N(muS, tauS2). */
interface LabelerPrior {
  tauB2: number;
  muS: number;
  tauS2: number;
}

/**
 * Q_j(b, σ) = Σ_{l,k} counts[l][k]·log θ[k][l] for one labeler, plus the log population prior.
 * The prior is fitted to the labelers themselves (empirical Bayes, the hierarchical form of
 * Raykar et al.'s priors): a labeler seen three times is pulled to the typical leniency and
 * noise instead of a zero-noise, infinite-weight fit, and with few labels per labeler the model
 * degrades towards equal weights, the plain mean; with hundreds of labels the prior is negligible.
 */
function expectedLogLik(
  k: number,
  counts: Float64Array,
  off: number,
  b: number,
  sigma: number,
  scratch: Float64Array,
  prior: LabelerPrior,
  mu: Float64Array,
): number {
  discretisedGaussian(k, b, sigma, scratch, mu);
  const s = Math.log(sigma);
  let q = -0.5 * ((b * b) / prior.tauB2 + (s - prior.muS) ** 2 / prior.tauS2);
  for (let c = 0; c < k * k; c++) if (counts[off + c] > 0) q += counts[off + c] * scratch[c];
  return q;
}

/** Moment estimates (methods.md §1.6 (c)): the starting point for the likelihood steps. */
function moments(k: number, counts: Float64Array, off: number, sigmaMin: number): { n: number; b: number; sd: number } {
  let n = 0;
  let s1 = 0;
  for (let l = 0; l < k; l++) {
    for (let t = 0; t < k; t++) {
      const c = counts[off + l * k + t];
      n += c;
      s1 += c * (l - t);
    }
  }
  if (n <= 0) return { n: 0, b: 0, sd: 1 };
  const b = s1 / n;
  let s2 = 0;
  for (let l = 0; l < k; l++) for (let t = 0; t < k; t++) s2 += counts[off + l * k + t] * (l - t - b) ** 2;
  return { n, b, sd: Math.max(sigmaMin, Math.sqrt(s2 / n)) };
}

/**
 * Generalised-EM M-step: one constrained Newton step on all (b_j, s_j = log σ_j), with
 * Σ n_j b_j = 0 imposed through a Lagrange multiplier (the Hessian is block-diagonal, 2×2 per
 * labeler, so the KKT system is solved in closed form), then halved until Q rises.
 */
function ordinalMStep(
  k: number,
  nLabelers: number,
  sigmaMin: number,
  bias: Float64Array,
  sigma: Float64Array,
  weight: Float64Array,
  anchored: boolean,
  mu: Float64Array,
  freeLevels: boolean,
  start?: OrdinalStart,
): MStep {
  const kk = k * k;
  const scratch = new Float64Array(kk);
  const sMin = Math.log(sigmaMin);
  let first = true;
  const grad = new Float64Array(2 * nLabelers);
  const hinv = new Float64Array(3 * nLabelers);
  const step = new Float64Array(2 * nLabelers);
  const prior: LabelerPrior = { tauB2: 1, muS: 0, tauS2: 1 };
  return (counts, classTotals, logPi, logTheta) => {
    if (first && start) {
      for (let j = 0; j < nLabelers; j++) weight[j] = moments(k, counts, j * kk, sigmaMin).n;
      bias.set(start.bias);
      sigma.set(start.sigma);
      mu.set(start.levels);
      for (let c = 0; c < k; c++) logPi[c] = Math.log(Math.max(start.classPrior[c], 1e-10));
      first = false;
      for (let j = 0; j < nLabelers; j++) logTheta.set(discretisedGaussian(k, bias[j], sigma[j], scratch, mu), j * kk);
      return;
    }
    // One pseudo-count per class keeps the class prior off the degenerate "all one class" corner.
    updatePrior(classTotals, logPi, 1);
    if (first) {
      // Start from the moment estimates, re-centred onto the identified scale.
      let nb = 0;
      let nTot = 0;
      for (let j = 0; j < nLabelers; j++) {
        const mo = moments(k, counts, j * kk, sigmaMin);
        weight[j] = mo.n;
        bias[j] = mo.b;
        sigma[j] = mo.sd;
        nb += mo.n * mo.b;
        nTot += mo.n;
      }
      if (!anchored) for (let j = 0; j < nLabelers; j++) if (nTot > 0) bias[j] -= nb / nTot;
    } else {
      // Hyper-parameters: the label-weighted spread of the current biases and log-noises, floored
      // so the prior never pins a labeler (sd at least 0.25 level in b, 0.1 in log σ).
      let nTot = 0;
      let sb2 = 0;
      let ss = 0;
      for (let j = 0; j < nLabelers; j++) {
        nTot += weight[j];
        sb2 += weight[j] * bias[j] * bias[j];
        ss += weight[j] * Math.log(sigma[j]);
      }
      if (nTot > 0) {
        prior.muS = ss / nTot;
        let vs = 0;
        for (let j = 0; j < nLabelers; j++) vs += weight[j] * (Math.log(sigma[j]) - prior.muS) ** 2;
        prior.tauB2 = Math.max(0.0625, sb2 / nTot);
        prior.tauS2 = Math.max(0.01, vs / nTot);
      }
      const h = 1e-4;
      let totalQ = 0;
      // Per labeler: gradient and Hessian of Q_j by central differences (Q_j costs K² cells).
      for (let j = 0; j < nLabelers; j++) {
        const off = j * kk;
        const b = bias[j];
        const s = Math.log(sigma[j]);
        const f = (db: number, ds: number) => expectedLogLik(k, counts, off, b + db, Math.exp(s + ds), scratch, prior, mu);
        const f0 = f(0, 0);
        totalQ += f0;
        const fbp = f(h, 0);
        const fbm = f(-h, 0);
        const fsp = f(0, h);
        const fsm = f(0, -h);
        const gb = (fbp - fbm) / (2 * h);
        const gs = (fsp - fsm) / (2 * h);
        let hbb = (fbp - 2 * f0 + fbm) / (h * h);
        let hss = (fsp - 2 * f0 + fsm) / (h * h);
        const hbs = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h * h);
        // Keep the quadratic model concave (Levenberg-style damping) so the step is an ascent.
        const scale = Math.max(1, weight[j]);
        if (!(hbb < -1e-8 * scale)) hbb = -scale;
        if (!(hss < -1e-8 * scale)) hss = -scale;
        let det = hbb * hss - hbs * hbs;
        let cross = hbs;
        if (!(det > 1e-12 * scale * scale)) {
          cross = 0;
          det = hbb * hss;
        }
        // (−H)^{-1} stored as [bb, bs, ss].
        hinv[3 * j] = -hss / det;
        hinv[3 * j + 1] = cross / det;
        hinv[3 * j + 2] = -hbb / det;
        grad[2 * j] = gb;
        grad[2 * j + 1] = gs;
      }
      // Newton step Δ = (−H)^{-1}(g − λ a), a_j = (n_j, 0); λ makes Σ n_j (b_j + Δb_j) = 0.
      let num = 0;
      let den = 0;
      for (let j = 0; j < nLabelers; j++) {
        const nj = weight[j];
        num += nj * bias[j] + nj * (hinv[3 * j] * grad[2 * j] + hinv[3 * j + 1] * grad[2 * j + 1]);
        den += nj * nj * hinv[3 * j];
      }
      const lambda = !anchored && den > 0 ? num / den : 0;
      // A trust region of one scale point (and a factor e in σ) per iteration keeps a step from
      // a poorly curved Q_j in bounds; EM iterates anyway.
      let shrink = 1;
      for (let j = 0; j < nLabelers; j++) {
        const gb = grad[2 * j] - lambda * weight[j];
        const gs = grad[2 * j + 1];
        step[2 * j] = hinv[3 * j] * gb + hinv[3 * j + 1] * gs;
        step[2 * j + 1] = hinv[3 * j + 1] * gb + hinv[3 * j + 2] * gs;
        shrink = Math.max(shrink, Math.abs(step[2 * j]), Math.abs(step[2 * j + 1]));
      }
      // One common factor, so the step stays on the constraint.
      for (let c = 0; c < step.length; c++) step[c] /= shrink;
      // Step-halve on the total Q (the constraint holds all along the segment).
      for (let alpha = 1, tries = 0; tries < 20; tries++, alpha /= 2) {
        let q = 0;
        for (let j = 0; j < nLabelers; j++) {
          const sNew = Math.max(sMin, Math.log(sigma[j]) + alpha * step[2 * j + 1]);
          q += expectedLogLik(k, counts, j * kk, bias[j] + alpha * step[2 * j], Math.exp(sNew), scratch, prior, mu);
        }
        if (q >= totalQ - 1e-9 * Math.abs(totalQ)) {
          for (let j = 0; j < nLabelers; j++) {
            bias[j] += alpha * step[2 * j];
            sigma[j] = Math.exp(Math.max(sMin, Math.log(sigma[j]) + alpha * step[2 * j + 1]));
          }
          break;
        }
      }
    }
    if (!first && freeLevels) updateLevels(k, nLabelers, counts, bias, sigma, mu);
    first = false;
    for (let j = 0; j < nLabelers; j++) logTheta.set(discretisedGaussian(k, bias[j], sigma[j], scratch, mu), j * kk);
  };
}

/** Σ_j Σ_l counts_j[l][t]·log P_j(l | level at x): the part of Q that depends on level t's location. */
function levelLogLik(k: number, nLabelers: number, counts: Float64Array, bias: Float64Array, sigma: Float64Array, t: number, x: number): number {
  let q = 0;
  for (let j = 0; j < nLabelers; j++) {
    const off = j * k * k;
    fillCuts(k, x, bias[j], sigma[j]);
    for (let l = 0; l < k; l++) {
      const c = counts[off + l * k + t];
      if (c > 0) q += c * logCell(k, l);
    }
  }
  return q;
}

/**
 * Where each true level sits on the labels' scale, μ_t, kept in order (μ_{t−1} ≤ μ_t ≤ μ_{t+1}).
 * Labelers often use a scale unevenly (three grades they confuse and one they never give by
 * mistake); a fixed even spacing forces that onto their noise. Q is separable in t and concave
 * in each μ_t (a Gaussian interval probability is log-concave in its location), so a Newton
 * step clamped to the order interval, accepted only if Q rises, is a valid GEM step.
 */
function updateLevels(k: number, nLabelers: number, counts: Float64Array, bias: Float64Array, sigma: Float64Array, mu: Float64Array): void {
  const h = 1e-4;
  for (let t = 0; t < k; t++) {
    const f = (x: number) => levelLogLik(k, nLabelers, counts, bias, sigma, t, x);
    const x0 = mu[t];
    const f0 = f(x0);
    const fp = f(x0 + h);
    const fm = f(x0 - h);
    const g = (fp - fm) / (2 * h);
    const hess = (fp - 2 * f0 + fm) / (h * h);
    let dx = hess < 0 ? -g / hess : Math.sign(g) * 0.1;
    dx = Math.max(-1, Math.min(1, dx));
    const lo = t > 0 ? mu[t - 1] : Number.NEGATIVE_INFINITY;
    const hi = t < k - 1 ? mu[t + 1] : Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 20; tries++, dx /= 2) {
      const x = Math.max(lo, Math.min(hi, x0 + dx));
      if (f(x) >= f0) {
        mu[t] = x;
        break;
      }
    }
  }
}

/** Fitted bias/noise next to the usual fit. */
export interface OrdinalFit extends LabelModelFit {
  bias: Float64Array;
  sigma: Float64Array;
  /** μ_t: where true level t sits on the labels' index scale. */
  levels: Float64Array;
}

/** @example ordinal(likertMatrix).labelerQuality.map((q) => q.bias) */
export function ordinal(m: LabelMatrix, opts: OrdinalOptions = {}): OrdinalFit {
  const obs = observations(m);
  const bias = new Float64Array(m.nLabelers);
  const sigma = new Float64Array(m.nLabelers).fill(1);
  const weight = new Float64Array(m.nLabelers);
  const anchored = !!opts.gold && opts.gold.some((g) => g >= 0);
  const mu = Float64Array.from({ length: m.k }, (_, t) => t);
  const freeLevels = opts.freeLevels ?? true;
  const em = runEm(m, obs, ordinalMStep(m.k, m.nLabelers, opts.sigmaMin ?? 0.3, bias, sigma, weight, anchored, mu, freeLevels, opts.start), opts);
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
      // One location constraint ties the biases together.
      nParams: 2 * m.nLabelers - 1 + m.k - 1 + (freeLevels ? m.k : 0),
      logTheta: em.logTheta,
    },
    opts.gold,
  );
  return { ...fit, bias, sigma, levels: mu };
}
