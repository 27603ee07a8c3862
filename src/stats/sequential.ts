/**
 * Anytime-valid confidence sequences for the mean of observations in [0, 1] (methods.md §6.1).
 * A confidence sequence (C_t) covers the mean at every t simultaneously with probability
 * ≥ 1 − α, so a comparison may stop at any data-dependent time without inflating error,
 * which a fixed-n interval re-checked after every label would.
 */

/** The interval after t observations. With no observations it is the whole [0, 1]. */
export interface CsBounds {
  lo: number;
  hi: number;
  t: number;
}

/** An incremental confidence sequence: push one observation in [0, 1], get the new interval. */
export interface ConfidenceSequence {
  push(x: number): CsBounds;
  current(): CsBounds;
}

export type CsMethod = "betting" | "empirical-bernstein" | "normal-mixture";

export interface CsOptions {
  /** Two-sided miscoverage over all t; default 0.05. */
  alpha?: number;
  /**
   * Planned number of observations the boundary is tuned for (ρ of the normal mixture;
   * the bet size of the empirical-Bernstein CS). Validity does not depend on it.
   */
  horizon?: number;
  /** Intersect each new interval with all earlier ones (still a valid CS); default false. */
  runningIntersection?: boolean;
}

function checkUnit(x: number): void {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`confidence sequence input ${x} is outside [0, 1]`);
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha ${alpha} is outside (0, 1)`);
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/**
 * ρ that makes the normal-mixture boundary tightest at t = horizon (methods.md §6.1a):
 * solve x = ln(1 + x) − 2 ln α by fixed-point iteration (a contraction), then ρ = mσ²/x.
 *
 * @example
 * normalMixtureRho(1000, 0.05); // 30.44
 */
export function normalMixtureRho(horizon: number, alpha = 0.05, sigma2 = 0.25): number {
  checkAlpha(alpha);
  if (!(horizon > 0)) throw new RangeError(`horizon ${horizon} must be positive`);
  const c = -2 * Math.log(alpha);
  let x = c;
  for (let i = 0; i < 200; i++) {
    const next = Math.log(1 + x) + c;
    if (Math.abs(next - x) < 1e-13) break;
    x = next;
  }
  return (horizon * sigma2) / x;
}

/**
 * Half-width of the normal-mixture CS for the mean after t observations (methods.md §6.1a;
 * Howard, Ramdas, McAuliffe & Sekhon, Ann. Statist. 2021):
 * |S_t/t − μ| < sqrt((V_t + ρ) ln((V_t + ρ)/(ρα²))) / t with V_t = tσ². Two-sided at α.
 *
 * @example
 * normalMixtureRadius(100, { alpha: 0.05, rho: normalMixtureRho(1000) }); // 0.1912
 */
export function normalMixtureRadius(
  t: number,
  opts: { alpha: number; rho: number; sigma2?: number },
): number {
  if (t <= 0) return Number.POSITIVE_INFINITY;
  const v = t * (opts.sigma2 ?? 0.25) + opts.rho;
  return Math.sqrt(v * Math.log(v / (opts.rho * opts.alpha * opts.alpha))) / t;
}

/**
 * Normal-mixture CS for observations in [0, 1] (σ² = ¼, the sub-Gaussian bound of any
 * [0, 1] variable). Tight near `horizon` (default 1,000); does not adapt to a small variance.
 */
export function normalMixtureCs(opts: CsOptions & { rho?: number } = {}): ConfidenceSequence {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  const rho = opts.rho ?? normalMixtureRho(opts.horizon ?? 1000, alpha);
  let sum = 0;
  return sequenceOf(opts.runningIntersection, (x, t) => {
    sum += x;
    const r = normalMixtureRadius(t, { alpha, rho });
    return [sum / t - r, sum / t + r];
  });
}

/**
 * The bookkeeping both sequences share: count the observations, clip each new interval to
 * [0, 1], and optionally intersect it with every earlier one (still valid: all hold at once).
 */
function sequenceOf(runningIntersection: boolean | undefined, next: (x: number, t: number) => [number, number]): ConfidenceSequence {
  let t = 0;
  let lo = 0;
  let hi = 1;
  const current = (): CsBounds => ({ lo, hi, t });
  return {
    current,
    push(x) {
      checkUnit(x);
      t += 1;
      const [l, h] = next(x, t).map(clamp01) as [number, number];
      lo = runningIntersection ? Math.max(lo, l) : l;
      hi = runningIntersection ? Math.min(hi, h) : h;
      return current();
    },
  };
}

/**
 * One-sided predictable-plug-in empirical-Bernstein lower bound at level a (methods.md §6.1b;
 * confseq `predmix_empbern_lower_cs` with `lambda_predmix_eb`). Returns a function that takes
 * the next observation and returns the new lower bound.
 */
function ebLower(a: number, truncation: number, horizon: number | undefined): (x: number) => number {
  const logInvA = Math.log(1 / a);
  let t = 0;
  let sumX = 0; // Σ X_s
  let sumSq = 0; // Σ (X_s − μ̂_s)²
  let sigma2Prev = 0.25; // σ̂²_{t−1}, prior ¼ from one fake observation
  let sumLam = 0;
  let sumLamX = 0;
  let sumVPsi = 0;
  return (x) => {
    const meanPrev = t === 0 ? 0 : sumX / t; // plain running mean x̄_{t−1}, x̄_0 = 0
    t += 1;
    // Up to the planned horizon, bet as if stopping there (confseq fixed_n); past it, let the
    // bet decay like 1/sqrt(t) so the width keeps shrinking. λ_t is predictable either way.
    const scale = horizon === undefined ? t * Math.log(1 + t) : Math.max(horizon, t);
    const lam = Math.min(truncation, Math.sqrt((2 * logInvA) / (scale * sigma2Prev)));
    const v = (x - meanPrev) ** 2;
    sumLam += lam;
    sumLamX += lam * x;
    sumVPsi += v * (-Math.log(1 - lam) - lam);
    sumX += x;
    const muHat = Math.min(1, (0.5 + sumX) / (t + 1));
    sumSq += (x - muHat) ** 2;
    sigma2Prev = (0.25 + sumSq) / (t + 1);
    return Math.min(1, (sumLamX - logInvA - sumVPsi) / sumLam);
  };
}

/**
 * Predictable-plug-in empirical-Bernstein CS for observations in [0, 1] (methods.md §6.1b;
 * Waudby-Smith & Ramdas, JRSS-B 2024). Adapts to the variance, so it decides far sooner than
 * the normal mixture when per-item differences are concentrated. Each side runs at α/2.
 * Without `horizon` the bet is λ_t ∝ 1/sqrt(t ln(1+t)) as in the paper's default.
 *
 * @example
 * const cs = empiricalBernsteinCs({ alpha: 0.05 });
 * for (let t = 1; t <= 100; t++) cs.push(t % 2); // -> { lo: 0.3211, hi: 0.6770, t: 100 }
 */
export function empiricalBernsteinCs(opts: CsOptions & { truncation?: number } = {}): ConfidenceSequence {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  const trunc = opts.truncation ?? 0.5;
  const lower = ebLower(alpha / 2, trunc, opts.horizon);
  const upper = ebLower(alpha / 2, trunc, opts.horizon);
  return sequenceOf(opts.runningIntersection, (x) => [lower(x), 1 - upper(1 - x)]);
}

/**
 * Hedged-capital betting CS for observations in [0, 1] (Waudby-Smith & Ramdas, "Estimating
 * means of bounded random variables by betting", JRSS-B 2024, §4.3, their recommended CS).
 * For each candidate mean m on a grid, two gamblers bet that the mean is above or below m:
 *   K⁺_t(m) = Π (1 + λ⁺_i(m)(X_i − m)),  K⁻_t(m) = Π (1 − λ⁻_i(m)(X_i − m)),
 * and m is rejected once ½K⁺_t(m) + ½K⁻_t(m) ≥ 1/α (Ville's inequality on a nonnegative
 * martingale under m). Bets are predictable: λ_t = sqrt(2 ln(2/α)/(σ̂²_{t−1} t ln(1+t)))
 * (or tuned for `horizon`, as the EB CS), truncated at c/m and c/(1−m) with c = ½. The
 * interval is the hull of the grid points not rejected, widened by one grid step, so it stays
 * valid; with the running intersection it never widens again. Much tighter than empirical
 * Bernstein at small t, where the betting bound exploits the data's actual range.
 */
export function bettingCs(opts: CsOptions & { grid?: number; truncation?: number } = {}): ConfidenceSequence {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  const g = opts.grid ?? 1000;
  const c = opts.truncation ?? 0.5;
  const ms = Float64Array.from({ length: g + 1 }, (_, i) => i / g);
  const logUp = new Float64Array(g + 1);
  const logDown = new Float64Array(g + 1);
  const rejected = new Uint8Array(g + 1);
  const logThreshold = Math.log(1 / alpha);
  let t = 0;
  let sumX = 0;
  let sumSq = 0;
  let sigma2Prev = 0.25;
  const step = 1 / g;
  return sequenceOf(true, (x) => {
    t += 1;
    const scale = opts.horizon === undefined ? t * Math.log(1 + t) : Math.max(opts.horizon, t);
    const lam = Math.sqrt((2 * Math.log(2 / alpha)) / (sigma2Prev * scale));
    let lo = 1;
    let hi = 0;
    for (let i = 0; i <= g; i++) {
      if (rejected[i]) continue;
      const m = ms[i];
      const lu = Math.min(lam, m > 0 ? c / m : lam);
      const ld = Math.min(lam, m < 1 ? c / (1 - m) : lam);
      logUp[i] += Math.log(Math.max(1e-300, 1 + lu * (x - m)));
      logDown[i] += Math.log(Math.max(1e-300, 1 - ld * (x - m)));
      // log(½e^a + ½e^b) without overflow.
      const big = Math.max(logUp[i], logDown[i]);
      const hedged = big + Math.log(0.5 * Math.exp(logUp[i] - big) + 0.5 * Math.exp(logDown[i] - big));
      if (hedged >= logThreshold) {
        rejected[i] = 1;
        continue;
      }
      if (m < lo) lo = m;
      if (m > hi) hi = m;
    }
    sumX += x;
    const muHat = (0.5 + sumX) / (t + 1);
    sumSq += (x - muHat) ** 2;
    sigma2Prev = (0.25 + sumSq) / (t + 1);
    if (hi < lo) return [sumX / t, sumX / t];
    return [lo - step, hi + step];
  });
}

/** A fresh incremental CS of the named method. */
export function createConfidenceSequence(method: CsMethod, opts: CsOptions = {}): ConfidenceSequence {
  if (method === "betting") return bettingCs(opts);
  return method === "normal-mixture" ? normalMixtureCs(opts) : empiricalBernsteinCs(opts);
}

/**
 * The whole sequence of intervals for a batch of observations in [0, 1].
 *
 * @example
 * confidenceSequence([1, 0, 1, 1], "empirical-bernstein").at(-1); // { lo, hi, t: 4 }
 */
export function confidenceSequence(
  xs: ArrayLike<number>,
  method: CsMethod = "empirical-bernstein",
  opts: CsOptions = {},
): CsBounds[] {
  const cs = createConfidenceSequence(method, opts);
  const out: CsBounds[] = [];
  for (let i = 0; i < xs.length; i++) out.push(cs.push(xs[i]));
  return out;
}

export type Decision = "A better" | "B better" | "equivalent within delta" | "undecided";

/**
 * Maps a per-item difference D ∈ [−1, 1] (score difference / (K − 1), or preference − ½)
 * to X = (D + 1)/2 ∈ [0, 1], the scale the CS runs on (methods.md §6.1).
 */
export function differenceToUnit(d: number): number {
  if (!(d >= -1 && d <= 1)) throw new RangeError(`difference ${d} is outside [-1, 1]`);
  return (d + 1) / 2;
}

/**
 * Reads a CS on X = (D + 1)/2 (D = A − B) as a decision (methods.md §6.1): a winner when the
 * CS excludes ½; "equivalent within delta" when it lies inside [½ − δ/2, ½ + δ/2], δ being the
 * equivalence margin on the D scale. A winner takes precedence: an excluded ½ is the stronger claim.
 *
 * @example
 * decide({ lo: 0.52, hi: 0.58 }, { delta: 0.05 }); // "A better"
 */
export function decide(cs: { lo: number; hi: number }, opts: { delta: number }): Decision {
  if (cs.lo > 0.5) return "A better";
  if (cs.hi < 0.5) return "B better";
  const half = opts.delta / 2;
  if (opts.delta > 0 && cs.lo >= 0.5 - half && cs.hi <= 0.5 + half) return "equivalent within delta";
  return "undecided";
}
