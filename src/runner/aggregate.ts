import { fromDense } from "../stats/label-matrix.js";
import { ordinal } from "../stats/label-models/index.js";

export interface AggregatedLevels {
  /** Posterior mean per unit (the critic's level with a single critic); null when no critic scored it. */
  scores: (number | null)[];
  /** Distribution over levels 1..K per unit; null when no critic scored it. */
  posteriors: (Float64Array | null)[];
  method: string;
  note: string | null;
}

/**
 * Raw critic levels (units x critics, null = abstained/failed) -> one estimate per unit.
 * One critic: its level. Several: the ordinal label model (methods.md 1.6), which learns each
 * critic's leniency and noise and weighs it accordingly.
 */
export function aggregateLevels(levels: (number | null)[][], critics: string[], k: number, _gold: (number | null)[]): AggregatedLevels {
  const n = levels.length;
  const m = critics.length;
  const has = levels.map((row) => row.some((v) => v != null));
  if (m === 1) {
    const posteriors = levels.map((row) => {
      if (row[0] == null) return null;
      const p = new Float64Array(k);
      p[row[0] - 1] = 1;
      return p;
    });
    return { scores: levels.map((row) => row[0] ?? null), posteriors, method: "single critic", note: null };
  }
  const dense = new Int32Array(n * m).fill(-1);
  levels.forEach((row, i) => row.forEach((v, j) => {
    if (v != null) dense[i * m + j] = v - 1;
  }));
  const fit = ordinal(fromDense(dense, n, m, k));
  const posteriors = levels.map((_, i) => (has[i] ? fit.posterior.slice(i * k, (i + 1) * k) : null));
  const scores = posteriors.map((p) => (p ? p.reduce((t, v, c) => t + v * (c + 1), 0) : null));
  return { scores, posteriors, method: fit.method, note: null };
}
