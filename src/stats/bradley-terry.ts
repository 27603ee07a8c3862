/**
 * Bradley-Terry ranking (methods.md section 3): P(i beats j) = σ(θ_i − θ_j), fitted by the
 * MM / Zermelo iteration (Zermelo 1929; Hunter 2004, "MM algorithms for generalized
 * Bradley-Terry models", Ann. Statist. 32(1)).
 */

export interface BradleyTerryOptions {
  /**
   * Virtual ties added between every pair (each = ½ win each way), a prior that keeps θ
   * finite. "auto" (default) adds one tie per pair only when the MLE does not exist, i.e.
   * the "beat" graph is not strongly connected (Ford 1957); otherwise the plain MLE is fitted.
   */
  prior?: number | "auto";
  /** Default 10,000 sweeps. */
  maxIter?: number;
  /** Stop when max |Δ log γ| falls below this; default 1e-10. */
  tol?: number;
}

export interface BradleyTerryFit {
  /** Strengths on the log scale, mean 0. */
  theta: number[];
  iterations: number;
  converged: boolean;
  /** Virtual ties per pair that were added (0 = plain MLE). */
  prior: number;
  /** Log-likelihood of the (prior-augmented) wins at theta. */
  logLikelihood: number;
}

/**
 * Fit Bradley-Terry from a wins matrix, wins[i][j] = (possibly fractional) wins of i over j.
 *
 * @example
 * bradleyTerry([[0, 3, 2, 5], [1, 0, 3, 2], [2, 1, 0, 4], [0, 2, 1, 0]]).theta;
 * // [0.914621, 0.004345, 0.075244, -0.994209]  (methods.md 3.1 test vector)
 */
export function bradleyTerry(wins: ReadonlyArray<ArrayLike<number>>, opts: BradleyTerryOptions = {}): BradleyTerryFit {
  const C = wins.length;
  const prior = opts.prior === undefined || opts.prior === "auto" ? (stronglyConnected(wins) ? 0 : 1) : opts.prior;
  const maxIter = opts.maxIter ?? 10_000;
  const tol = opts.tol ?? 1e-10;
  const w = new Float64Array(C * C);
  for (let i = 0; i < C; i++) {
    if (wins[i]!.length !== C) throw new RangeError(`wins row ${i} has ${wins[i]!.length} entries, expected ${C}`);
    for (let j = 0; j < C; j++) if (i !== j) w[i * C + j] = wins[i]![j]! + prior / 2;
  }
  const total = new Float64Array(C); // W_i
  for (let i = 0; i < C; i++) for (let j = 0; j < C; j++) total[i]! += w[i * C + j]!;
  let gamma = new Float64Array(C).fill(1);
  let next = new Float64Array(C);
  let iterations = 0;
  let converged = C < 2;
  while (!converged && iterations < maxIter) {
    iterations++;
    for (let i = 0; i < C; i++) {
      let denom = 0;
      for (let j = 0; j < C; j++) {
        const nij = w[i * C + j]! + w[j * C + i]!;
        if (i !== j && nij > 0) denom += nij / (gamma[i]! + gamma[j]!);
      }
      // A candidate with no comparisons keeps its strength; the prior normally prevents this.
      next[i] = denom > 0 ? total[i]! / denom : gamma[i]!;
    }
    normaliseGeomean(next);
    let change = 0;
    for (let i = 0; i < C; i++) change = Math.max(change, Math.abs(Math.log(next[i]!) - Math.log(gamma[i]!)));
    [gamma, next] = [next, gamma];
    if (!(change >= tol)) converged = Number.isFinite(change);
  }
  const theta = Array.from(gamma, (g) => Math.log(g));
  const mean = theta.reduce((s, t) => s + t, 0) / Math.max(1, C);
  for (let i = 0; i < C; i++) theta[i] = theta[i]! - mean;
  let logLikelihood = 0;
  for (let i = 0; i < C; i++) {
    for (let j = 0; j < C; j++) {
      const wij = w[i * C + j]!;
      if (i !== j && wij > 0) logLikelihood -= wij * Math.log1p(Math.exp(theta[j]! - theta[i]!));
    }
  }
  return { theta, iterations, converged, prior, logLikelihood };
}

function normaliseGeomean(g: Float64Array): void {
  let s = 0;
  for (const x of g) s += Math.log(x);
  const f = Math.exp(-s / g.length);
  for (let i = 0; i < g.length; i++) g[i]! *= f;
}

/**
 * Ford's condition for a finite MLE: for every split of the candidates, someone on each
 * side beat someone on the other, i.e. the directed "i beat j" graph is strongly connected.
 */
export function stronglyConnected(wins: ReadonlyArray<ArrayLike<number>>): boolean {
  const C = wins.length;
  if (C < 2) return true;
  const reach = (forward: boolean): boolean => {
    const seen = new Uint8Array(C);
    const stack = [0];
    seen[0] = 1;
    let count = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      for (let j = 0; j < C; j++) {
        const edge = forward ? wins[i]![j]! : wins[j]![i]!;
        if (!seen[j] && j !== i && edge > 0) {
          seen[j] = 1;
          count++;
          stack.push(j);
        }
      }
    }
    return count === C;
  };
  return reach(true) && reach(false);
}

/**
 * θ on the Elo scale (Chatbot Arena, methods.md 3.3): R = base + 400·θ / ln 10.
 *
 * @example
 * eloScale([0.914621, -0.914621]); // [1158.886, 841.114]
 */
export function eloScale(theta: readonly number[], base = 1000): number[] {
  return theta.map((t) => base + (400 * t) / Math.LN10);
}

/** P(i beats j) implied by the fit. */
export function winProbability(theta: readonly number[], i: number, j: number): number {
  return 1 / (1 + Math.exp(theta[j]! - theta[i]!));
}

export interface RankInterval {
  /** Best rank the candidate could plausibly hold (1 = top). */
  best: number;
  worst: number;
}

/**
 * Rank intervals from strength intervals (methods.md 3.2, Arena "rank UB"): candidate r ranks
 * in [1 + #{s: lo_s > hi_r}, #{s: hi_s ≥ lo_r}], higher strength = better rank.
 *
 * @example
 * rankIntervals([1, 0.5, -1], [2, 1.5, 0]); // [{best:1,worst:2},{best:1,worst:2},{best:3,worst:3}]
 */
export function rankIntervals(lo: readonly number[], hi: readonly number[]): RankInterval[] {
  return lo.map((loR, r) => {
    let above = 0;
    let overlapping = 0;
    for (let s = 0; s < lo.length; s++) {
      if (lo[s]! > hi[r]!) above++;
      if (hi[s]! >= loR) overlapping++;
    }
    return { best: 1 + above, worst: overlapping };
  });
}
