/**
 * Local dependence between labelers: do two labelers agree with each other more than the fitted
 * label model says they should? Every model here assumes labelers are independent given the true
 * class (Dawid and Skene 1979). Two prompts of one LLM break that: they share their errors, and a
 * model that counts them as independent votes is pulled towards those errors.
 *
 * Statistic: Yen's Q3 (Yen 1984, the standard local-dependence check of item response theory),
 * the correlation across items of two labelers' residuals y_ij − E[y_ij | fit], where
 * E[y_ij | fit] = Σ_k T_ik·Σ_l l·θ_j[k][l]. Under conditional independence residual correlations
 * sit near their own average (slightly negative), so a pair is flagged when its Q3 is more than
 * 0.2 above the average Q3 of all pairs (Christensen, Makransky and Horton 2017, "Critical values
 * for Yen's Q3") AND that excess is significant: Fisher's z of the pair against the average,
 * Bonferroni over the pairs at 5%, so sampling noise at small n is not called dependence.
 *
 * What a flag does not say is which side shares the error. With five critics of which three share
 * an error, the one-class fit follows the three, and the residual excess shows up in the other
 * two: second moments fit "three share an error" and "two share an error" equally well (a
 * bifactor model with the group factor on either side reproduces the same covariances). So a
 * flag means the critics' qualities are not identified from their agreement, as with two critics.
 */
import type { LabelMatrix } from "../label-matrix.js";
import { normalQuantile } from "../intervals.js";
import { createRng } from "../rng.js";
import type { LabelModelFit } from "./types.js";

export interface DependentPair {
  a: number;
  b: number;
  /** Items both labelled. */
  n: number;
  q3: number;
}

export interface LocalDependence {
  /** Average Q3 over the pairs with enough common items. */
  meanQ3: number;
  pairs: DependentPair[];
  /** The pairs flagged as dependent (see the module comment). */
  flagged: DependentPair[];
}

/** Pairs need this many common items for a correlation to mean anything. */
const MIN_COMMON = 30;
/** Christensen, Makransky and Horton (2017): Q3 more than 0.2 above the average. */
const Q3_EXCESS = 0.2;

/**
 * Q3 for every labeler pair under a fitted model that exposes logTheta (ordinal scales: the
 * residual is in scale points; categorical: the label index, which still measures co-movement
 * for K = 2).
 * @example localDependence(m, ordinal(m)).flagged
 */
export function localDependence(m: LabelMatrix, fit: LabelModelFit): LocalDependence | null {
  const { nItems: n, nLabelers: w, k } = m;
  if (!fit.logTheta || w < 3) return null;
  const expected = new Float64Array(w * k); // E[y_j | z = t]
  for (let j = 0; j < w; j++) {
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += l * Math.exp(fit.logTheta[(j * k + l) * k + t]);
      expected[j * k + t] = s;
    }
  }
  const resid = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < w; j++) {
      const y = m.labels[i * w + j];
      if (y < 0) continue;
      let e = 0;
      for (let t = 0; t < k; t++) e += fit.posterior[i * k + t] * expected[j * k + t];
      resid[i * w + j] = y - e;
    }
  }
  // Pair sums item by item (n, Σx, Σy, Σx², Σy², Σxy), so sparse crowd matrices cost Σ_i |W(i)|².
  const sums = new Map<number, Float64Array>();
  const present: number[] = [];
  for (let i = 0; i < n; i++) {
    present.length = 0;
    for (let j = 0; j < w; j++) if (m.labels[i * w + j] >= 0) present.push(j);
    for (let x = 0; x < present.length; x++) {
      for (let y = x + 1; y < present.length; y++) {
        const a = present[x];
        const b = present[y];
        let acc = sums.get(a * w + b);
        if (!acc) {
          acc = new Float64Array(6);
          sums.set(a * w + b, acc);
        }
        const ra = resid[i * w + a];
        const rb = resid[i * w + b];
        acc[0]++;
        acc[1] += ra;
        acc[2] += rb;
        acc[3] += ra * ra;
        acc[4] += rb * rb;
        acc[5] += ra * rb;
      }
    }
  }
  const pairs: DependentPair[] = [];
  for (const [key, [c, sx, sy, sxx, syy, sxy]] of sums) {
    if (c < MIN_COMMON) continue;
    const vx = sxx - (sx * sx) / c;
    const vy = syy - (sy * sy) / c;
    if (vx <= 0 || vy <= 0) continue;
    pairs.push({ a: Math.floor(key / w), b: key % w, n: c, q3: (sxy - (sx * sy) / c) / Math.sqrt(vx * vy) });
  }
  pairs.sort((p, q) => p.a - q.a || p.b - q.b);
  if (pairs.length < 2) return pairs.length ? { meanQ3: pairs[0].q3, pairs, flagged: [] } : null;
  const meanQ3 = pairs.reduce((s, p) => s + p.q3, 0) / pairs.length;
  const crit = normalQuantile(1 - 0.05 / pairs.length);
  const fisher = (r: number) => Math.atanh(Math.max(-0.999999, Math.min(0.999999, r)));
  const flagged = pairs.filter((p) => p.q3 - meanQ3 > Q3_EXCESS && (fisher(p.q3) - fisher(meanQ3)) * Math.sqrt(p.n - 3) > crit);
  return { meanQ3, pairs, flagged };
}

/** Connected groups of flagged labelers, e.g. [[0, 1], [3, 4]]. */
export function dependentGroups(flagged: DependentPair[]): number[][] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const r = find(p);
    parent.set(x, r);
    return r;
  };
  for (const { a, b } of flagged) {
    parent.set(find(a), find(b));
  }
  const groups = new Map<number, number[]>();
  for (const x of new Set(flagged.flatMap((p) => [p.a, p.b]))) {
    const r = find(x);
    groups.set(r, [...(groups.get(r) ?? []), x].sort((u, v) => u - v));
  }
  return [...groups.values()].sort((u, v) => u[0] - v[0]);
}

/**
 * Screen, then confirm by simulation. Q3's null distribution depends on n and the number of
 * labelers, so Christensen, Makransky and Horton (2017) take its critical values from data
 * simulated from the fitted model. When the screen flags a pair, 19 label sets are drawn from the
 * fit itself (same observed cells; z from the class prior, y from θ_j[z]), refitted, and a
 * flagged pair is kept only if its excess Q3 beats the largest excess of every replicate: a 5%
 * Monte Carlo test on the maximum over pairs (Barnard 1963), so family-wise. The screen alone
 * fired on 2-6 of 40 seeds of five independent critics at n = 30-40; the simulations run only
 * when it fires.
 * @example dependenceTest(m, ordinal(m), (mm) => ordinal(mm)).flagged
 */
export function dependenceTest(
  m: LabelMatrix,
  fit: LabelModelFit,
  refit: (m: LabelMatrix) => LabelModelFit,
  opts: { replicates?: number; seed?: number | string } = {},
): LocalDependence | null {
  const screen = localDependence(m, fit);
  if (!screen?.flagged.length || !fit.logTheta) return screen;
  const { nItems: n, nLabelers: w, k } = m;
  const rng = createRng(opts.seed ?? "dependence");
  const draw = (p: (c: number) => number): number => {
    let u = rng.next();
    for (let c = 0; c < k - 1; c++) {
      u -= p(c);
      if (u < 0) return c;
    }
    return k - 1;
  };
  let worst = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < (opts.replicates ?? 19); r++) {
    const labels = new Int32Array(m.labels.length).fill(-1);
    for (let i = 0; i < n; i++) {
      const z = draw((c) => fit.classPrior[c]);
      for (let j = 0; j < w; j++) {
        if (m.labels[i * w + j] < 0) continue;
        labels[i * w + j] = draw((l) => Math.exp(fit.logTheta![(j * k + l) * k + z]));
      }
    }
    const mm = { ...m, labels };
    const ld = localDependence(mm, refit(mm));
    for (const p of ld?.pairs ?? []) worst = Math.max(worst, p.q3 - ld!.meanQ3);
  }
  return { ...screen, flagged: screen.flagged.filter((p) => p.q3 - screen.meanQ3 > worst) };
}
