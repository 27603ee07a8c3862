/**
 * The sampling design: which log lines a critic judges. Pure.
 *
 * Target inclusion probabilities rise with the label model's score and have a floor:
 * lambda_i = min(1, k * (s_i + delta)), where delta puts a share `floorShare` of the draws on a
 * uniform floor (a defensive mixture, Hesterberg 1995) so no line has zero chance, and k makes
 * the lambdas sum to the sample size n. Lines forced in (the slowest, say) get lambda = 1.
 *
 * The draw is Pareto order sampling (Rosén 1997): a fixed size n, one uniform per line, keep
 * the n smallest keys (U/(1-U)) / (lambda/(1-lambda)). Its inclusion probabilities equal the
 * lambdas up to O(1/n) and it is a high-entropy design, so Hájek's variance approximation
 * (estimate.ts) applies.
 */
import type { Rng } from "../stats/rng.js";

/**
 * Inclusion probabilities for `scores` (one per line, or per group of lines with `counts`).
 * @example targetInclusion([0.9, 0.1, 0.1], 2, 0.2) // sums to 2, first largest, none 0
 */
export function targetInclusion(scores: readonly number[], n: number, floorShare: number, counts?: readonly number[]): number[] {
  const count = (i: number) => counts?.[i] ?? 1;
  const N = scores.reduce((s, _, i) => s + count(i), 0);
  if (n >= N) return scores.map(() => 1);
  if (n <= 0) return scores.map(() => 0);
  const S = scores.reduce((s, x, i) => s + x * count(i), 0);
  // Share floorShare of the expected draws is uniform: k*delta*N = floorShare*n while k*S = (1-floorShare)*n.
  const share = S > 0 ? floorShare : 1;
  const delta = share >= 1 ? 1 : (share * S) / ((1 - share) * N);
  const size = scores.map((x) => x + delta);
  // Solve sum_i min(1, k * size_i) = n: lines at 1 leave the rest to share what remains.
  const certain = new Array<boolean>(scores.length).fill(false);
  let k = 0;
  for (let round = 0; round <= scores.length; round++) {
    let left = n;
    let rest = 0;
    for (let i = 0; i < size.length; i++) {
      if (certain[i]) left -= count(i);
      else rest += size[i]! * count(i);
    }
    k = left / rest;
    let changed = false;
    for (let i = 0; i < size.length; i++) {
      if (!certain[i] && k * size[i]! >= 1) {
        certain[i] = true;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return size.map((x, i) => (certain[i] ? 1 : Math.min(1, k * x)));
}

/**
 * Pareto sample of size n: the indices of the n smallest ranking keys, in a random order
 * (so a run stopped early by its budget has judged a uniformly random part of the sample).
 * Lines with lambda = 1 are always in; lines with lambda = 0 never.
 */
export function paretoSample(lambda: ArrayLike<number>, n: number, rng: Rng): number[] {
  const N = lambda.length;
  const size = Math.min(n, N);
  // Max-heap of the `size` smallest keys seen so far.
  const keys = new Float64Array(size);
  const idx = new Int32Array(size);
  let filled = 0;
  const swap = (a: number, b: number) => {
    const k = keys[a]!;
    keys[a] = keys[b]!;
    keys[b] = k;
    const t = idx[a]!;
    idx[a] = idx[b]!;
    idx[b] = t;
  };
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! >= keys[i]!) return;
      swap(p, i);
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < filled && keys[l]! > keys[m]!) m = l;
      if (r < filled && keys[r]! > keys[m]!) m = r;
      if (m === i) return;
      swap(m, i);
      i = m;
    }
  };
  for (let i = 0; i < N; i++) {
    const lam = lambda[i]!;
    const u = rng.next();
    if (lam <= 0) continue;
    const key = lam >= 1 ? -1 : u / (1 - u) / (lam / (1 - lam));
    if (filled < size) {
      keys[filled] = key;
      idx[filled] = i;
      up(filled++);
    } else if (size > 0 && key < keys[0]!) {
      keys[0] = key;
      idx[0] = i;
      down(0);
    }
  }
  const out = Array.from(idx.subarray(0, filled));
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
