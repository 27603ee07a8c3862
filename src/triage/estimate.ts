/**
 * Estimates over the whole log from a sample drawn with known inclusion probabilities. Pure.
 *
 * Point estimate: the Hájek ratio sum(a/pi) / sum(b/pi) (a failure rate: a = failed, b = 1;
 * a rate within a facet value: b = in that value). It is the Horvitz-Thompson estimator
 * divided by the estimated number of lines, so it needs no population size and is unchanged
 * when every pi is scaled (a run stopped early on a random part of the sample).
 *
 * Variance: the ratio linearised (z_i = (a_i - R b_i) / N_b), then Hájek's (1964) approximation
 * for high-entropy fixed-size designs, which Rosén (1997) recommends for Pareto sampling:
 * v = n/(n-1) * sum (1-pi)(z/pi - A)^2 with A the (1-pi)-weighted mean of z/pi.
 *
 * Interval: Wilson's score interval at the Kish effective sample size n_eff = R(1-R)/v, as
 * recommended for proportions from complex samples by Korn & Graubard (1998) and Dean & Pagano
 * (2015). A plain Wald interval R +- 1.96 sqrt(v) under-covers when failures are rare and the
 * few found carry large weights; Wilson's interval is skewed away from 0 as the truth is.
 */

export interface Interval {
  lo: number;
  hi: number;
}

export interface RatioEstimate {
  estimate: number | null;
  ci95: Interval | null;
  /** Standard error from the linearised Hájek variance. */
  se: number | null;
  /** Sampled lines in the denominator (b = 1). */
  n: number;
  /** Estimated lines in the whole log in the denominator: sum(b/pi). */
  lines: number;
  /** Estimated lines in the whole log in the numerator: sum(a/pi). */
  hits: number;
}

const Z95 = 1.959963984540054;

/** Wilson score interval for a proportion p observed on n (possibly effective) trials. */
export function wilson(p: number, n: number, z = Z95): Interval {
  if (n <= 0) return { lo: 0, hi: 1 };
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/**
 * Hájek ratio sum(a/pi) / sum(b/pi) over the sampled lines, with its 95% interval.
 * `proportion`: a is 0/1 and a <= b, so the Wilson interval at the effective size applies;
 * otherwise a Wald interval on the linearised variance.
 * @example hajekRatio([1, 0, 0], [1, 1, 1], [0.5, 0.1, 0.1]).estimate // (2) / (2 + 10 + 10)
 */
export function hajekRatio(a: readonly number[], b: readonly number[], pi: readonly number[], proportion = true): RatioEstimate {
  let hits = 0;
  let lines = 0;
  let n = 0;
  for (let i = 0; i < pi.length; i++) {
    hits += a[i]! / pi[i]!;
    lines += b[i]! / pi[i]!;
    if (b[i]! !== 0) n++;
  }
  if (n === 0 || lines <= 0) return { estimate: null, ci95: null, se: null, n, lines, hits };
  const R = hits / lines;
  let sumD = 0;
  let sumDz = 0;
  for (let i = 0; i < pi.length; i++) {
    const d = 1 - pi[i]!;
    sumD += d;
    sumDz += (d * ((a[i]! - R * b[i]!) / lines)) / pi[i]!;
  }
  const A = sumD > 0 ? sumDz / sumD : 0;
  let v = 0;
  for (let i = 0; i < pi.length; i++) {
    const d = 1 - pi[i]!;
    const t = (a[i]! - R * b[i]!) / lines / pi[i]! - A;
    v += d * t * t;
  }
  const m = pi.length;
  v = m > 1 ? (v * m) / (m - 1) : v;
  const se = Math.sqrt(v);
  if (!proportion) return { estimate: R, ci95: { lo: R - Z95 * se, hi: R + Z95 * se }, se, n, lines, hits };
  // Kish's effective size; no more than the lines actually judged (Korn & Graubard's cap), and
  // the plain count where the variance says nothing (no failure found, or every line certain).
  const nEff = v > 0 && R > 0 && R < 1 ? Math.min(n, (R * (1 - R)) / v) : n;
  return { estimate: R, ci95: wilson(R, nEff), se, n, lines, hits };
}

/** Failure rate of the sampled lines where `inDomain` holds (all lines when omitted). */
export function failureRate(failed: readonly boolean[], pi: readonly number[], inDomain?: readonly boolean[]): RatioEstimate {
  const b = pi.map((_, i) => (inDomain ? (inDomain[i] ? 1 : 0) : 1));
  const a = failed.map((f, i) => (f ? b[i]! : 0));
  return hajekRatio(a, b, pi);
}
