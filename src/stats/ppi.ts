/**
 * Prediction-powered inference for a mean and a paired difference (methods.md §5.1, §5.2):
 * a few gold labels plus critic labels on every item give a valid interval that is narrower
 * than gold-only when the critic correlates with gold. Angelopoulos et al., Science 2023;
 * PPI++ power tuning from Angelopoulos, Duchi & Zrnic, arXiv 2311.01453 (ppi_py `ppi_mean_ci`).
 */
import { normalQuantile } from "./intervals.js";

/**
 * How much to lean on the critic: "classical" (λ = 0, gold only), "ppi" (λ = 1), "tuned"
 * (PPI++ λ* clipped to [0, 1], the default), or a fixed λ.
 */
export type PpiLambda = "classical" | "ppi" | "tuned" | number;

export interface PpiOptions {
  /** Two-sided miscoverage; default 0.05, the 95% of every other interval here (ppi_py defaults to 0.1). */
  alpha?: number;
  lambda?: PpiLambda;
}

export interface PpiResult {
  estimate: number;
  ci: { lo: number; hi: number };
  lambda: number;
  se: number;
  /** Gold items used (pairs with both values present). */
  n: number;
  /** Unlabelled items used (critic value present). */
  N: number;
}

export { normalQuantile };

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Variance with the given degrees-of-freedom correction. */
function variance(xs: readonly number[], ddof: number): number {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - ddof);
}

/**
 * PPI++ λ* = Cov_n(Y, Ŷ) / ((1 + n/N) Var_{n+N}(f)), clipped to [0, 1] (methods.md §5.1).
 * As in ppi_py `_calc_lhat_glm`: the covariance divides by n, the variance by n + N − 1.
 */
function tunedLambda(y: readonly number[], yHat: readonly number[], fUnlabelled: readonly number[]): number {
  const n = y.length;
  const N = fUnlabelled.length;
  if (N === 0) return 0;
  const my = mean(y);
  const mh = mean(yHat);
  let cov = 0;
  for (let i = 0; i < n; i++) cov += (y[i] - my) * (yHat[i] - mh);
  cov /= n;
  const varF = variance([...yHat, ...fUnlabelled], 1);
  if (!(varF > 0)) return 0;
  return Math.min(1, Math.max(0, cov / ((1 + n / N) * varF)));
}

/**
 * PPI estimate and interval for a mean (methods.md §5.1):
 * θ̂ = λ·mean(f̃) + mean(Y − λŶ), se² = Var(λf̃)/N + Var(Y − λŶ)/n (ddof 0, as ppi_py).
 * Gold pairs with a null on either side, and null unlabelled predictions, are left out.
 * Null when fewer than two gold pairs remain, or λ > 0 is asked for without unlabelled items.
 *
 * @example
 * ppiMean([1, 0, 1, 1, 0, 1, 0, 1, 1, 1], [1, 0, 1, 0, 0, 1, 1, 1, 1, 1], unlabelled, { alpha: 0.1 });
 * // { estimate: 0.7, lambda: 0.4719, ci: { lo: 0.4935, hi: 0.9065 }, ... } with 70 ones and 30 zeros unlabelled
 */
export function ppiMean(
  gold: ArrayLike<number | null>,
  goldPredicted: ArrayLike<number | null>,
  unlabelledPredicted: ArrayLike<number | null>,
  opts: PpiOptions = {},
): PpiResult | null {
  if (gold.length !== goldPredicted.length) {
    throw new RangeError(`gold has ${gold.length} values but its predictions ${goldPredicted.length}`);
  }
  const y: number[] = [];
  const yHat: number[] = [];
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i];
    const p = goldPredicted[i];
    if (g !== null && p !== null && Number.isFinite(g) && Number.isFinite(p)) {
      y.push(g);
      yHat.push(p);
    }
  }
  const f: number[] = [];
  for (let i = 0; i < unlabelledPredicted.length; i++) {
    const v = unlabelledPredicted[i];
    if (v !== null && Number.isFinite(v)) f.push(v);
  }
  const n = y.length;
  const N = f.length;
  if (n < 2) return null;
  const choice = opts.lambda ?? "tuned";
  const lambda =
    choice === "classical" ? 0 : choice === "ppi" ? 1 : choice === "tuned" ? tunedLambda(y, yHat, f) : choice;
  if (lambda !== 0 && N === 0) return null;
  const rectifier = y.map((v, i) => v - lambda * yHat[i]);
  const estimate = (lambda === 0 ? 0 : lambda * mean(f)) + mean(rectifier);
  const varF = lambda === 0 ? 0 : (lambda * lambda * variance(f, 0)) / N;
  const se = Math.sqrt(varF + variance(rectifier, 0) / n);
  const z = normalQuantile(1 - (opts.alpha ?? 0.05) / 2);
  return { estimate, ci: { lo: estimate - z * se, hi: estimate + z * se }, lambda, se, n, N };
}

/** Gold and critic values for candidates A and B on the same items. */
export interface PairedPpiInput {
  goldA: ArrayLike<number | null>;
  goldB: ArrayLike<number | null>;
  goldPredictedA: ArrayLike<number | null>;
  goldPredictedB: ArrayLike<number | null>;
  unlabelledPredictedA: ArrayLike<number | null>;
  unlabelledPredictedB: ArrayLike<number | null>;
}

function differences(a: ArrayLike<number | null>, b: ArrayLike<number | null>): (number | null)[] {
  if (a.length !== b.length) throw new RangeError(`paired arrays differ in length: ${a.length} vs ${b.length}`);
  return Array.from({ length: a.length }, (_, i) => {
    const x = a[i];
    const y = b[i];
    return x === null || y === null ? null : x - y;
  });
}

/**
 * PPI for a paired difference of means A − B (methods.md §5.2): §5.1 on the per-item
 * differences, with one λ for the difference.
 *
 * @example
 * ppiPairedDifference({ goldA, goldB, goldPredictedA, goldPredictedB, unlabelledPredictedA, unlabelledPredictedB });
 */
export function ppiPairedDifference(input: PairedPpiInput, opts: PpiOptions = {}): PpiResult | null {
  return ppiMean(
    differences(input.goldA, input.goldB),
    differences(input.goldPredictedA, input.goldPredictedB),
    differences(input.unlabelledPredictedA, input.unlabelledPredictedB),
    opts,
  );
}
