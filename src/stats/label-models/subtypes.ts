/**
 * Dawid-Skene with correlated labelers: every true class k splits into M latent subtypes
 * (k, g), and each labeler has one confusion row per subtype, so labelers that share errors on
 * some kind of item (a subtype) no longer look like independent evidence about the class.
 * This is EBCC, "enhanced Bayesian classifier combination" (Li, Rubinstein and Cohn, ICML 2019),
 * fitted by mean-field variational Bayes as the authors do, with their published defaults:
 *   τ ~ Dir(1) over classes; π_k ~ Dir(a_π/M) over the subtypes of class k (a_π = 0.1, sparse, so
 *   unneeded subtypes empty out); v_j(k,g) ~ Dir(β_k) with β_k = 4 on label k and 1 elsewhere
 *   (a diagonal-biased prior, the same for every labeler, so a labeler with five labels is
 *   shrunk towards "mostly right" instead of fitted to noise); M = 10; init = soft majority
 *   vote split over the subtypes at random (seeded).
 * The likelihood does not care which class a subtype belongs to; the diagonal prior and the
 * majority-vote start attach each subtype to a class. Why it is in `auto`: where labelers share
 * errors (ZenCrowd's two heaviest workers share most of their false positives), plain DS spends
 * its latent class on that shared error and predicts held-out labels well while missing the
 * truth; a model that can put the shared error in a subtype predicts held-out labels better still,
 * so held-out likelihood can prefer it without looking at gold.
 */
import type { LabelMatrix } from "../label-matrix.js";
import { createRng } from "../rng.js";
import { observations, softMajority } from "./em.js";
import { finalize } from "./finalize.js";
import type { CommonOptions, LabelModelFit } from "./types.js";

export interface SubtypeOptions extends CommonOptions {
  /** Subtypes per class (10, the authors' default). */
  subtypes?: number;
  /** Seed for the random split of the start over subtypes. */
  seed?: number | string;
}

/** ψ(x) for x > 0: recurrence up to x ≥ 6, then the asymptotic series. */
export function digamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** Subtypes per class, the authors' default. */
export const SUBTYPES = 10;
const A_PI = 0.1;
const ALPHA = 1;
const ON = 4;
const OFF = 1;

/** @example subtypeDawidSkene(matrix).labels */
export function subtypeDawidSkene(m: LabelMatrix, opts: SubtypeOptions = {}): LabelModelFit {
  const { nItems: n, nLabelers: w, k } = m;
  const g = opts.subtypes ?? SUBTYPES;
  const s = k * g; // state (c, h) at c·g + h
  const maxIter = opts.maxIter ?? 500;
  const obs = observations(m);
  const gold = opts.gold;
  const z = softMajority(m, obs, gold);
  const zg = new Float64Array(n * s);
  const rng = createRng(opts.seed ?? 1234);
  for (let i = 0; i < n; i++) {
    // Dirichlet(1, …, 1) split = normalised exponentials.
    let tot = 0;
    const split = new Float64Array(g);
    for (let h = 0; h < g; h++) {
      split[h] = -Math.log(1 - rng.next());
      tot += split[h];
    }
    for (let c = 0; c < k; c++) for (let h = 0; h < g; h++) zg[i * s + c * g + h] = (z[i * k + c] * split[h]) / tot;
  }
  const mu = new Float64Array(w * k * s); // [(j·K + l)·S + state]
  const eLogV = new Float64Array(w * k * s);
  const eLogPi = new Float64Array(s);
  const eLogTau = new Float64Array(k);
  const score = new Float64Array(s);
  // States still in use. A state whose expected count falls below 1e-10 has E[log π] ≈ −100 from
  // its sparse prior and cannot come back, so it leaves the loops (on S_Rel 3 of 40 survive).
  let live = Array.from({ length: s }, (_, st) => st);
  let iterations = 0;
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    // Variational posteriors of the parameters given q(z, g).
    const eta = new Float64Array(s).fill(A_PI / g);
    const nu = new Float64Array(k).fill(ALPHA);
    for (let i = 0; i < n; i++) {
      for (const st of live) eta[st] += zg[i * s + st];
      for (let c = 0; c < k; c++) nu[c] += z[i * k + c];
    }
    live = live.filter((st) => eta[st] - A_PI / g >= 1e-10);
    for (let j = 0; j < w; j++) for (let l = 0; l < k; l++) for (let st = 0; st < s; st++) mu[(j * k + l) * s + st] = Math.floor(st / g) === l ? ON : OFF;
    for (let i = 0; i < n; i++) {
      for (let p = obs.start[i]; p < obs.start[i + 1]; p++) {
        const b = (obs.labeler[p] * k + obs.label[p]) * s;
        for (const st of live) mu[b + st] += zg[i * s + st];
      }
    }
    let nuSum = 0;
    for (let c = 0; c < k; c++) nuSum += nu[c];
    for (let c = 0; c < k; c++) {
      eLogTau[c] = digamma(nu[c]) - digamma(nuSum);
      let etaSum = 0;
      for (let h = 0; h < g; h++) etaSum += eta[c * g + h];
      const d = digamma(etaSum);
      for (let h = 0; h < g; h++) eLogPi[c * g + h] = digamma(eta[c * g + h]) - d;
    }
    for (let j = 0; j < w; j++) {
      for (const st of live) {
        let row = 0;
        for (let l = 0; l < k; l++) row += mu[(j * k + l) * s + st];
        const d = digamma(row);
        for (let l = 0; l < k; l++) eLogV[(j * k + l) * s + st] = digamma(mu[(j * k + l) * s + st]) - d;
      }
    }
    // q(z, g) given the parameters.
    let change = 0;
    for (let i = 0; i < n; i++) {
      const row = i * s;
      if (gold && gold[i] >= 0) {
        // Gold fixes the class; the subtype stays free.
        for (const st of live) score[st] = Math.floor(st / g) === gold[i] ? eLogPi[st] : Number.NEGATIVE_INFINITY;
      } else for (const st of live) score[st] = eLogPi[st] + eLogTau[Math.floor(st / g)];
      for (let p = obs.start[i]; p < obs.start[i + 1]; p++) {
        const b = (obs.labeler[p] * k + obs.label[p]) * s;
        for (const st of live) score[st] += eLogV[b + st];
      }
      let max = Number.NEGATIVE_INFINITY;
      for (const st of live) if (score[st] > max) max = score[st];
      let tot = 0;
      zg.fill(0, row, row + s);
      for (const st of live) {
        const e = Math.exp(score[st] - max);
        zg[row + st] = e;
        tot += e;
      }
      for (let c = 0; c < k; c++) {
        let zc = 0;
        for (let h = 0; h < g; h++) {
          zg[row + c * g + h] /= tot;
          zc += zg[row + c * g + h];
        }
        change = Math.max(change, Math.abs(zc - z[i * k + c]));
        z[i * k + c] = zc;
      }
    }
    // The authors' stopping rule: every class posterior moved by less than 1e-3.
    if (change < 1e-3) {
      converged = true;
      break;
    }
  }
  // Predictive label distribution per state: the posterior mean of v, for held-out likelihood.
  const logTheta = new Float64Array(w * k * s);
  for (let j = 0; j < w; j++) {
    for (let st = 0; st < s; st++) {
      let row = 0;
      for (let l = 0; l < k; l++) row += mu[(j * k + l) * s + st];
      for (let l = 0; l < k; l++) logTheta[(j * k + l) * s + st] = Math.log(mu[(j * k + l) * s + st] / row);
    }
  }
  const classPrior = new Float64Array(k);
  let tot = 0;
  for (let c = 0; c < k; c++) tot += Math.exp(eLogTau[c]);
  for (let c = 0; c < k; c++) classPrior[c] = Math.exp(eLogTau[c]) / tot;
  return finalize(
    m,
    obs,
    {
      method: "ds-subtypes",
      posterior: z,
      classPrior,
      logLikelihood: [],
      iterations,
      converged,
      nParams: w * s * (k - 1) + s - 1,
      latent: { states: s, posterior: zg, logTheta },
    },
    gold,
  );
}
