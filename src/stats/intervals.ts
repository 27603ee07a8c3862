/**
 * Means, paired differences and percentiles with 95% intervals. Missing values (null or NaN)
 * are dropped, never read as 0; any statistic on fewer than two values is null, so a report
 * shows "n/a" rather than a fake "± 0".
 */

/** A value that may be missing. */
export type Maybe = number | null;

export interface MeanCi {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator). */
  sd: number;
  se: number;
  /** The 95% interval, whatever level was asked for (the name is a promise). */
  ci95: [number, number];
  /** The interval at `level`. */
  ci: [number, number];
  level: number;
}

export interface IntervalOptions {
  /** Coverage level, default 0.95. */
  level?: number;
  /** "t" (Student, default) or "normal" quantiles. */
  method?: "t" | "normal";
}

/** The present values of a possibly-sparse array. */
export function present(values: ArrayLike<Maybe>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && !Number.isNaN(v)) out.push(v);
  }
  return out;
}

/**
 * Mean with a t (or normal) confidence interval; null when fewer than two values are present.
 *
 * @example
 * meanCi([4, 5, 6, null]); // { n: 3, mean: 5, sd: 1, se: 0.577, ci95: [2.52, 7.48] }
 */
export function meanCi(values: ArrayLike<Maybe>, opts: IntervalOptions = {}): MeanCi | null {
  const xs = present(values);
  const n = xs.length;
  if (n < 2) return null;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const se = sd / Math.sqrt(n);
  const level = opts.level ?? 0.95;
  const half = (lv: number) => {
    const upper = 1 - (1 - lv) / 2;
    return (opts.method === "normal" ? normalQuantile(upper) : studentTQuantile(upper, n - 1)) * se;
  };
  const h95 = half(0.95);
  const h = level === 0.95 ? h95 : half(level);
  return { n, mean, sd, se, ci95: [mean - h95, mean + h95], ci: [mean - h, mean + h], level };
}

export interface PairedDiff {
  /** Pairs where both sides are present. */
  n: number;
  /** Mean of a − b over those pairs. */
  meanDiff: number;
  sd: number;
  se: number;
  /** The 95% interval, whatever level was asked for. */
  ci95: [number, number];
  /** The interval at `level`. */
  ci: [number, number];
  level: number;
}

/**
 * Paired difference a − b over the items both sides have, with a t interval. Pairing removes
 * the between-item variance that dominates two-sample comparisons on the same prompts.
 *
 * @example
 * pairedDiff([5, 6, 7], [4, 6, 5]); // { n: 3, meanDiff: 1, ci95: [-1.48, 3.48], ... }
 */
export function pairedDiff(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>, opts: IntervalOptions = {}): PairedDiff | null {
  const d = pairedDifferences(a, b);
  const m = meanCi(d, opts);
  if (m === null) return null;
  return { n: m.n, meanDiff: m.mean, sd: m.sd, se: m.se, ci95: m.ci95, ci: m.ci, level: m.level };
}

/**
 * centre ± t·se with `df` degrees of freedom at `level` (default 0.95): the interval meanCi and
 * pairedDiff report, for a standard error found another way (a bootstrap).
 *
 * @example
 * tInterval(5, 0.2, 39); // [4.595, 5.405]
 */
export function tInterval(centre: number, se: number, df: number, level = 0.95): [number, number] {
  const h = studentTQuantile(1 - (1 - level) / 2, df) * se;
  return [centre - h, centre + h];
}

/**
 * The same t interval with its standard error raised to `se` where that is larger, never
 * narrowed: a bootstrap that refits a label model adds the fitted critics' uncertainty, and the
 * analytic SE stays the floor where a small resample count happens to undershoot it.
 *
 * @example
 * widenedTo(meanCi(scores), 0.3); // same mean, se = max(se, 0.3), t interval on n − 1 df
 */
export function widenedTo<T extends { n: number; se: number; ci95: [number, number]; ci: [number, number]; level: number }>(ci: T | null, se: number | null | undefined): T | null {
  if (!ci || se == null || !(se > ci.se)) return ci;
  const centre = (ci.ci95[0] + ci.ci95[1]) / 2;
  return { ...ci, se, ci95: tInterval(centre, se, ci.n - 1), ci: tInterval(centre, se, ci.n - 1, ci.level) };
}

/**
 * Two-sided p-value of a t statistic mean/se with `df` degrees of freedom: the test whose
 * inversion is the t interval, so p < 0.05 exactly when the 95% interval excludes 0. A zero
 * standard error is the interval's own limit: p = 0 for a non-zero mean, 1 for a zero one.
 *
 * @example
 * const d = pairedDiff(a, b)!; twoSidedTP(d.meanDiff, d.se, d.n - 1);
 */
export function twoSidedTP(mean: number, se: number, df: number): number {
  if (!(se > 0)) return mean === 0 ? 1 : 0;
  return Math.min(1, 2 * studentTCdf(-Math.abs(mean / se), df));
}

/** a[i] − b[i] for the items where both are present. Throws on unequal lengths (a caller bug). */
export function pairedDifferences(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>): number[] {
  if (a.length !== b.length) throw new RangeError(`paired arrays differ in length: ${a.length} vs ${b.length}`);
  const d: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === null || y === null || Number.isNaN(x) || Number.isNaN(y)) continue;
    d.push(x - y);
  }
  return d;
}

/**
 * Percentile of already-sorted values by linear interpolation between order statistics
 * (type 7, the numpy/R default). p in [0, 1]. Null for an empty array.
 *
 * @example
 * percentileSorted([1, 2, 3, 4], 0.5); // 2.5
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Several percentiles of unsorted values (missing values dropped); null entries when none remain.
 *
 * @example
 * percentiles([3, 1, 2, null], [0.025, 0.5, 0.975]); // [1.05, 2, 2.95]
 */
export function percentiles(values: ArrayLike<Maybe>, ps: readonly number[]): (number | null)[] {
  const xs = Float64Array.from(present(values)).sort();
  return ps.map((p) => percentileSorted(xs, p));
}

/** Central percentile interval at `level` (default 0.95): [lo, hi], or null when empty. */
export function percentileInterval(values: ArrayLike<Maybe>, level = 0.95): [number, number] | null {
  const a = (1 - level) / 2;
  const [lo, hi] = percentiles(values, [a, 1 - a]);
  return lo === null || hi === null ? null : [lo, hi];
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
}

/** Student t quantile with `df` degrees of freedom, by bisection on the exact CDF (df may be fractional). */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Student t CDF via the regularised incomplete beta function. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes betai). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~1e-15 relative). */
function logGamma(x: number): number {
  const g = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905, -0.13857109526572012,
    9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = g[0]!;
  for (let i = 1; i < 9; i++) s += g[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
