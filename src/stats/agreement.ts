/**
 * Agreement between two raters (methods.md section 7): Cohen's kappa with nominal, linear or
 * quadratic weights, MAE, exact and within-one agreement and the confusion matrix. Items where
 * either side is missing (null or NaN) are dropped. A statistic that is undefined on the data
 * (no pairs, or a constant rater where a correlation or kappa needs variation) is null.
 * Also Krippendorff's alpha for any number of raters (7.2) and the correlations of 7.3.
 */
import type { Maybe } from "./intervals.js";

/** The (a, b) pairs where both values are present. */
export function pairs(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>): { x: number[]; y: number[] } {
  if (a.length !== b.length) throw new RangeError(`rater arrays differ in length: ${a.length} vs ${b.length}`);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const u = a[i];
    const v = b[i];
    if (u === null || v === null || u === undefined || v === undefined || Number.isNaN(u) || Number.isNaN(v)) continue;
    x.push(u);
    y.push(v);
  }
  return { x, y };
}

export type KappaWeights = "none" | "linear" | "quadratic";

export interface KappaOptions {
  weights?: KappaWeights;
  /** The ordered category values; default = the sorted values either rater used. */
  levels?: readonly number[];
}

/**
 * Cohen's kappa, optionally weighted (methods.md 7.1): κ_w = 1 − Σ w·O / Σ w·E with
 * disagreement weights 1[k≠l], |k−l|/(K−1) or (k−l)²/(K−1)² over category positions.
 *
 * @example
 * cohenKappa([1, 2, 3, 3], [1, 2, 3, 2], { weights: "quadratic" }); // 0.8
 */
export function cohenKappa(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>, opts: KappaOptions = {}): number | null {
  const { levels, counts } = confusionMatrix(a, b, opts.levels);
  const k = levels.length;
  let n = 0;
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = counts[i]![j]!;
      n += c;
      rows[i]! += c;
      cols[j]! += c;
    }
  }
  if (n === 0) return null;
  // Distances between the level values, not their positions among the values seen: with a level
  // nobody used, 1 and 4 are still three apart. (Kappa is a ratio, so the scale cancels.)
  const weight = (i: number, j: number): number => {
    const d = Math.abs(levels[i]! - levels[j]!);
    if (opts.weights === "linear") return d;
    if (opts.weights === "quadratic") return d * d;
    return i === j ? 0 : 1;
  };
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weight(i, j);
      observed += w * counts[i]![j]!;
      expected += (w * rows[i]! * cols[j]!) / n;
    }
  }
  return expected === 0 ? null : 1 - observed / expected;
}

export interface Confusion {
  /** Category values, ascending; row/column i is levels[i]. */
  levels: number[];
  /** counts[i][j] = items rater a put at levels[i] and rater b at levels[j]. */
  counts: number[][];
}

/**
 * Confusion matrix, rows = a, columns = b. With `levels` given, values outside it throw
 * (a caller bug: labels should have been validated at the boundary).
 *
 * @example
 * confusionMatrix([1, 2, 2], [1, 2, 1], [1, 2]); // { levels: [1, 2], counts: [[1, 0], [1, 1]] }
 */
export function confusionMatrix(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>, levels?: readonly number[]): Confusion {
  const { x, y } = pairs(a, b);
  const cats = levels ? [...levels] : [...new Set([...x, ...y])].sort((p, q) => p - q);
  const index = new Map(cats.map((v, i) => [v, i] as const));
  const counts = cats.map(() => new Array<number>(cats.length).fill(0));
  for (let t = 0; t < x.length; t++) {
    const i = index.get(x[t]!);
    const j = index.get(y[t]!);
    if (i === undefined || j === undefined) throw new RangeError(`value ${i === undefined ? x[t] : y[t]} is not one of the levels ${cats.join(",")}`);
    counts[i]![j]!++;
  }
  return { levels: cats, counts };
}

/**
 * Mean absolute error |a − b| over the pairs both have; null when there are none.
 *
 * @example
 * mae([1, 2, 3], [2, 2, null]); // 0.5
 */
export function mae(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>): number | null {
  const { x, y } = pairs(a, b);
  if (x.length === 0) return null;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i]! - y[i]!);
  return s / x.length;
}

/**
 * Share of pairs with |a − b| ≤ tolerance (0 = exact agreement, 1 = within one level).
 *
 * @example
 * agreementRate([1, 2, 5], [1, 3, 3], 1); // 2/3
 */
export function agreementRate(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>, tolerance = 0): number | null {
  const { x, y } = pairs(a, b);
  if (x.length === 0) return null;
  let hit = 0;
  // A small epsilon so 1/3-step means (e.g. 4.333 vs 3.333) count as within one.
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]! - y[i]!) <= tolerance + 1e-9) hit++;
  return hit / x.length;
}

/** Share of pairs that agree exactly. */
export function exactAgreement(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>): number | null {
  return agreementRate(a, b, 0);
}

/** Share of pairs at most one level apart. */
export function withinOneAgreement(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>): number | null {
  return agreementRate(a, b, 1);
}

// ---------------------------------------------------------------- correlations (7.3)

/**
 * Pearson correlation over the pairs both have; null for n < 2 or a constant side.
 *
 * @example
 * pearson([1, 2, 3], [2, 4, 7]); // 0.993
 */
export function pearson(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>): number | null {
  const { x, y } = pairs(a, b);
  return pearsonOf(x, y);
}

function pearsonOf(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = x.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/**
 * Mid-ranks (1-based; tied values share the mean of their ranks).
 *
 * @example
 * midRanks([10, 20, 20, 5]); // [2, 3.5, 3.5, 1]
 */
export function midRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => values[p]! - values[q]!);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]!] = r;
    i = j + 1;
  }
  return ranks;
}

/**
 * Spearman's rho: Pearson correlation of mid-ranks, so ties are handled (methods.md 7.3).
 *
 * @example
 * spearman([1, 2, 3, 4], [1, 3, 2, 4]); // 0.8
 */
export function spearman(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>): number | null {
  const { x, y } = pairs(a, b);
  return pearsonOf(midRanks(x), midRanks(y));
}

/**
 * Kendall's tau-b, τ_b = (n_c − n_d) / sqrt((n_0 − n_1)(n_0 − n_2)) (methods.md 7.3), in
 * O(n log n) by Knight's (1966) merge-sort count; null for n < 2 or a constant side.
 *
 * @example
 * kendallTauB([1, 2, 3, 4], [1, 3, 2, 4]); // 0.667
 */
export function kendallTauB(a: ArrayLike<Maybe>, b: ArrayLike<Maybe>): number | null {
  const { x, y } = pairs(a, b);
  const n = x.length;
  if (n < 2) return null;
  // Sort by x, then y, so pairs tied in x are never counted as discordant below.
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => x[p]! - x[q]! || y[p]! - y[q]!);
  const ys = Float64Array.from(order, (i) => y[i]!);
  let tiedX = 0; // pairs tied in x
  let tiedXY = 0; // pairs tied in both
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]!] === x[order[i]!]) j++;
    tiedX += ((j - i + 1) * (j - i)) / 2;
    for (let s = i; s <= j; ) {
      let t = s;
      while (t + 1 <= j && ys[t + 1] === ys[s]) t++;
      tiedXY += ((t - s + 1) * (t - s)) / 2;
      s = t + 1;
    }
    i = j + 1;
  }
  const swaps = mergeSortSwaps(ys);
  let tiedY = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && ys[j + 1] === ys[i]) j++;
    tiedY += ((j - i + 1) * (j - i)) / 2;
    i = j + 1;
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiedX) * (n0 - tiedY));
  if (denom === 0) return null;
  // n_c − n_d = n0 − n1 − n2 + n3 − 2·(discordant swaps)
  return (n0 - tiedX - tiedY + tiedXY - 2 * swaps) / denom;
}

/** Sorts `a` ascending in place and returns the number of strict inversions it removed. */
function mergeSortSwaps(a: Float64Array<ArrayBuffer>): number {
  const n = a.length;
  let buf = new Float64Array(n);
  let src = a;
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j]! < src[i]!) {
          swaps += mid - i;
          buf[k++] = src[j++]!;
        } else buf[k++] = src[i++]!;
      }
      while (i < mid) buf[k++] = src[i++]!;
      while (j < hi) buf[k++] = src[j++]!;
    }
    [src, buf] = [buf, src];
  }
  if (src !== a) a.set(src);
  return swaps;
}

// ---------------------------------------------------------------- Krippendorff's alpha (7.2)

export type AlphaLevel = "nominal" | "ordinal" | "interval" | "ratio";

/**
 * Krippendorff's alpha for any number of raters with missing values (methods.md 7.2):
 * coincidence matrix over pairable values, α = 1 − D_o / D_e. `ratings[r][u]` is rater r's
 * value for unit u (null/NaN = missing); units with fewer than two values are dropped.
 * Null when fewer than two pairable values exist or all values are equal (D_e = 0).
 *
 * @example
 * krippendorffAlpha([[1, 2, 3, null], [1, 2, 2, 4]], "ordinal");
 */
export function krippendorffAlpha(ratings: ReadonlyArray<ArrayLike<Maybe>>, level: AlphaLevel = "ordinal"): number | null {
  const units = ratings.length === 0 ? 0 : ratings[0]!.length;
  for (const r of ratings) if (r.length !== units) throw new RangeError("every rater needs one entry per unit");
  const perUnit: number[][] = [];
  const valueSet = new Set<number>();
  for (let u = 0; u < units; u++) {
    const vs: number[] = [];
    for (const r of ratings) {
      const v = r[u];
      if (v !== null && v !== undefined && !Number.isNaN(v)) vs.push(v);
    }
    if (vs.length < 2) continue;
    perUnit.push(vs);
    for (const v of vs) valueSet.add(v);
  }
  const values = [...valueSet].sort((p, q) => p - q);
  const V = values.length;
  const index = new Map(values.map((v, i) => [v, i] as const));
  // Coincidences kept sparse (off-diagonal only; the diagonal has δ = 0): continuous values
  // such as expected scores make V large, and a dense V×V matrix would not fit.
  const o = new Map<number, number>();
  const nc = new Float64Array(V);
  for (const vs of perUnit) {
    const m = vs.length;
    const counts = new Map<number, number>();
    for (const v of vs) {
      const i = index.get(v)!;
      counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    // Ordered pairs of different raters: c·k pairs for c≠k, c·(c−1) within one value; each
    // value's pairable count n_c is then its count in the unit.
    for (const [i, ci] of counts) {
      nc[i]! += ci;
      for (const [k, ck] of counts) if (i !== k) o.set(i * V + k, (o.get(i * V + k) ?? 0) + (ci * ck) / (m - 1));
    }
  }
  let n = 0;
  for (let i = 0; i < V; i++) n += nc[i]!;
  if (n < 2) return null;
  const cum = new Float64Array(V + 1); // cum[i] = Σ_{g<i} n_g, for the ordinal metric
  for (let i = 0; i < V; i++) cum[i + 1] = cum[i]! + nc[i]!;
  const delta = (i: number, k: number): number => {
    if (i === k) return 0;
    const c = values[i]!;
    const d = values[k]!;
    switch (level) {
      case "nominal":
        return 1;
      case "interval":
        return (c - d) ** 2;
      case "ratio":
        return c + d === 0 ? 0 : ((c - d) / (c + d)) ** 2;
      case "ordinal": {
        const lo = Math.min(i, k);
        const hi = Math.max(i, k);
        return (cum[hi + 1]! - cum[lo]! - (nc[i]! + nc[k]!) / 2) ** 2;
      }
    }
  };
  let dObs = 0;
  for (const [key, count] of o) dObs += count * delta(Math.floor(key / V), key % V);
  let dExp = 0;
  if (level === "nominal" || level === "interval") {
    // Closed forms of Σ_{c,k} n_c n_k δ²_ck: n² − Σ n_c², and 2(n Σ n_c c² − (Σ n_c c)²).
    let mean = 0;
    for (let i = 0; i < V; i++) mean += (nc[i]! * values[i]!) / n;
    let s1 = 0;
    let s2 = 0;
    let sq = 0;
    for (let i = 0; i < V; i++) {
      const c = values[i]! - mean; // centred, against cancellation
      s1 += nc[i]! * c;
      s2 += nc[i]! * c * c;
      sq += nc[i]! ** 2;
    }
    dExp = level === "nominal" ? n * n - sq : 2 * (n * s2 - s1 * s1);
  } else {
    for (let i = 0; i < V; i++) for (let k = i + 1; k < V; k++) dExp += 2 * nc[i]! * nc[k]! * delta(i, k);
  }
  dExp /= n - 1;
  return dExp === 0 ? null : 1 - dObs / dExp;
}
