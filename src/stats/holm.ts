/**
 * Holm's step-down family-wise correction (Holm 1979, "A simple sequentially rejective
 * multiple test procedure", Scand. J. Statist. 6(2)). Sort the m p-values; the i-th smallest
 * (i = 1..m) is rejected at α/(m − i + 1) only if every smaller one was rejected. The chance
 * that any true null is rejected stays ≤ α, where m separate tests at α let it grow towards m·α.
 * Uniformly more powerful than Bonferroni and valid under any dependence between the tests.
 */

export interface HolmResult {
  /** Rejected (the claim holds) after the correction, per input. */
  reject: boolean[];
  /** The level each p-value had to meet at its place in the order; null for a missing p. */
  level: (number | null)[];
  /** Holm-adjusted p-values: reject ⇔ adjusted ≤ α; null for a missing p. */
  adjusted: (number | null)[];
}

/**
 * Holm over one family. A missing p-value (a hypothesis that could not be tested) still counts
 * in m, so leaving a test out never makes the others easier to pass, and is never rejected.
 *
 * @example
 * holm([0.01, 0.04, 0.03], 0.05).reject; // [true, false, false]: 0.01 ≤ 0.05/3, then 0.03 > 0.05/2 stops
 */
export function holm(pValues: readonly (number | null)[], alpha: number): HolmResult {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => (pValues[a] ?? 2) - (pValues[b] ?? 2));
  const reject = new Array<boolean>(m).fill(false);
  const level = new Array<number | null>(m).fill(null);
  const adjusted = new Array<number | null>(m).fill(null);
  let stillRejecting = true;
  let runningMax = 0;
  order.forEach((i, rank) => {
    const p = pValues[i];
    if (p === null || p === undefined || Number.isNaN(p)) {
      stillRejecting = false;
      return;
    }
    level[i] = alpha / (m - rank);
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p));
    adjusted[i] = runningMax;
    if (stillRejecting && p <= level[i]!) reject[i] = true;
    else stillRejecting = false;
  });
  return { reject, level, adjusted };
}
