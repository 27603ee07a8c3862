/**
 * Cluster bootstrap over items (methods.md 3.2): resample whole items with replacement and
 * recompute the statistic, so comparisons that share an item move together and intervals are
 * not too narrow. Percentile intervals; randomness only through the Rng passed in.
 */
import { type BradleyTerryOptions, bradleyTerry, eloScale, type RankInterval, rankIntervals } from "./bradley-terry.js";
import { type Maybe, pairedDifferences, percentileSorted } from "./intervals.js";
import { type ItemWins, itemWins, type Judgment, type PairwiseOptions, totalWins, type WinRates, winRatesFromItemWins } from "./pairwise.js";
import type { Rng } from "./rng.js";

export interface BootstrapOptions {
  rng: Rng;
  /** Resamples; default 1,000 (as Chatbot Arena). */
  rounds?: number;
  /** Interval coverage; default 0.95. */
  level?: number;
}

/**
 * Run `rounds` item resamples. `statistic` gets the drawn item indices (length = items, with
 * repeats) and, for sum-based statistics, how many times each item was drawn.
 *
 * @example
 * const means = clusterBootstrap(xs.length, (s) => s.reduce((t, i) => t + xs[i], 0) / s.length, { rng: createRng(1) });
 */
export function clusterBootstrap<T>(items: number, statistic: (sample: Int32Array, counts: Int32Array) => T, opts: BootstrapOptions): T[] {
  const rounds = opts.rounds ?? 1000;
  const out: T[] = [];
  const sample = new Int32Array(items);
  const counts = new Int32Array(items);
  for (let r = 0; r < rounds; r++) {
    counts.fill(0);
    for (let i = 0; i < items; i++) {
      const k = opts.rng.int(items);
      sample[i] = k;
      counts[k]!++;
    }
    out.push(statistic(sample, counts));
  }
  return out;
}

export interface BootstrapSummary {
  /** Per component: percentile bounds and median of the replicates (null if every replicate failed). */
  lo: (number | null)[];
  hi: (number | null)[];
  median: (number | null)[];
  rounds: number;
}

/**
 * Percentile intervals for a vector statistic; replicates where a component is null or NaN
 * are left out of that component.
 *
 * @example
 * bootstrapIntervals(xs.length, (s) => [mean(s.map((i) => xs[i]))], { rng: createRng(1) }).lo[0];
 */
export function bootstrapIntervals(items: number, statistic: (sample: Int32Array, counts: Int32Array) => readonly Maybe[], opts: BootstrapOptions): BootstrapSummary {
  const reps = clusterBootstrap(items, statistic, opts);
  return summarise(reps, opts.level ?? 0.95);
}

function summarise(reps: ReadonlyArray<readonly Maybe[]>, level: number): BootstrapSummary {
  const dims = reps.length === 0 ? 0 : reps[0]!.length;
  const a = (1 - level) / 2;
  const out: BootstrapSummary = { lo: [], hi: [], median: [], rounds: reps.length };
  for (let d = 0; d < dims; d++) {
    const col = Float64Array.from(reps.map((r) => r[d] ?? Number.NaN).filter((v) => !Number.isNaN(v))).sort();
    out.lo.push(percentileSorted(col, a));
    out.hi.push(percentileSorted(col, 1 - a));
    out.median.push(percentileSorted(col, 0.5));
  }
  return out;
}

export interface BootstrapDiff {
  n: number;
  meanDiff: number;
  /** Percentile bootstrap 95% interval of the mean difference, whatever level was asked for. */
  ci95: [number, number];
  /** The interval at `level` (opts.level, default 0.95). */
  ci: [number, number];
  level: number;
}

/**
 * Paired mean difference a − b over the items both have, with a bootstrap percentile
 * interval; null for fewer than two pairs.
 *
 * @example
 * bootstrapPairedDiff([5, 6, 7, 6], [4, 6, 5, 5], { rng: createRng(1) }); // { n: 4, meanDiff: 1, ci95: [...] }
 */
export function bootstrapPairedDiff(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>, opts: BootstrapOptions): BootstrapDiff | null {
  const d = pairedDifferences(a, b);
  const n = d.length;
  if (n < 2) return null;
  const meanDiff = d.reduce((s, x) => s + x, 0) / n;
  const mean = (sample: ArrayLike<number>) => {
    let t = 0;
    for (let k = 0; k < sample.length; k++) t += d[sample[k]!]!;
    return [t / n];
  };
  const level = opts.level ?? 0.95;
  const s95 = bootstrapIntervals(n, mean, { ...opts, level: 0.95 });
  const s = level === 0.95 ? s95 : bootstrapIntervals(n, mean, opts);
  return { n, meanDiff, ci95: [s95.lo[0]!, s95.hi[0]!], ci: [s.lo[0]!, s.hi[0]!], level };
}

export interface BradleyTerryIntervals {
  /** Point estimate of θ (mean 0) from all items. */
  theta: number[];
  /** Percentile bounds and median of θ over the resamples (each re-anchored to mean 0). */
  lo: number[];
  hi: number[];
  median: number[];
  /** θ on the Elo scale (base 1000). */
  elo: number[];
  /** Rank by θ, 1 = best. */
  rank: number[];
  rankInterval: RankInterval[];
  winRates: WinRates;
  converged: boolean;
  iterations: number;
  /** Virtual ties per pair used in the point fit. */
  prior: number;
  rounds: number;
}

export interface BradleyTerryIntervalOptions extends BootstrapOptions, PairwiseOptions {
  bt?: BradleyTerryOptions;
}

/**
 * Bradley-Terry strengths with item-bootstrap 95% intervals from `scores[item][candidate]`
 * (point scores or level distributions; null = missing). Each item contributes fractional
 * wins P(a≻b) + ½P(tie) for every pair both candidates have (methods.md 4.2, 3.1, 3.2).
 *
 * @example
 * const r = bradleyTerryWithIntervals(scores, { rng: createRng("bt"), rounds: 1000 });
 * r.theta[0]; r.lo[0]; r.hi[0]; r.rankInterval[0];
 */
export function bradleyTerryWithIntervals(scores: ReadonlyArray<ReadonlyArray<Judgment>>, opts: BradleyTerryIntervalOptions): BradleyTerryIntervals {
  const w = itemWins(scores, opts);
  return { ...bradleyTerryBootstrap(w, opts), winRates: winRatesFromItemWins(w) };
}

/** The bootstrap behind bradleyTerryWithIntervals, for callers that already hold ItemWins. */
export function bradleyTerryBootstrap(w: ItemWins, opts: BootstrapOptions & { bt?: BradleyTerryOptions }): Omit<BradleyTerryIntervals, "winRates"> {
  const fit = bradleyTerry(totalWins(w), opts.bt);
  // Every replicate uses the prior the point fit decided on: re-deciding it per resample would
  // mix two estimators in one interval.
  const s = bootstrapIntervals(w.items, (_sample, counts) => bradleyTerry(totalWins(w, counts), { ...opts.bt, prior: fit.prior }).theta, opts);
  // A bound no replicate produced is unknown, so unbounded, never the point estimate posing as
  // a zero-width interval.
  const lo = fit.theta.map((_, i) => s.lo[i] ?? Number.NEGATIVE_INFINITY);
  const hi = fit.theta.map((_, i) => s.hi[i] ?? Number.POSITIVE_INFINITY);
  const order = fit.theta.map((_, i) => i).sort((p, q) => fit.theta[q]! - fit.theta[p]!);
  const rank = new Array<number>(fit.theta.length);
  order.forEach((c, r) => {
    rank[c] = r + 1;
  });
  return {
    theta: fit.theta,
    lo,
    hi,
    median: fit.theta.map((t, i) => s.median[i] ?? t),
    elo: eloScale(fit.theta),
    rank,
    rankInterval: rankIntervals(lo, hi),
    converged: fit.converged,
    iterations: fit.iterations,
    prior: fit.prior,
    rounds: s.rounds,
  };
}
