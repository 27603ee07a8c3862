/**
 * Seeded random and stratified sampling of row indices (methods.md §6.2). Pure: row count and
 * strata in, sorted indices out.
 */
import { ConfigError } from "../errors.js";
import { createRng, type Rng } from "../stats/rng.js";

export type Allocation = "proportional" | "neyman";

export interface SampleOptions {
  /** How many rows to draw; give this or `fraction`. */
  size?: number;
  /** Share of rows to draw, rounded to the nearest count. */
  fraction?: number;
  seed?: number | string;
  /** One stratum label per row; when given, every stratum gets ≥ min(2, its size) rows. */
  strata?: readonly string[];
  /** How the size is split across strata; default "proportional". */
  allocation?: Allocation;
  /** Within-stratum SD σ_h per stratum label, needed for "neyman". */
  sd?: Readonly<Record<string, number>>;
}

/** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
export function shuffledIndices(n: number, rng: Rng): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** k distinct values drawn uniformly from `pool` (partial Fisher–Yates on a copy). */
function pick(pool: readonly number[], k: number, rng: Rng): number[] {
  const a = pool.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(a.length - i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, k);
}

/**
 * Integer sample sizes per stratum summing to `total`: n_h ∝ N_h (proportional) or
 * n_h ∝ N_h σ_h (Neyman, equal costs; methods.md §6.2), each at least min(2, N_h) and at most
 * N_h, rounding by largest remainder.
 *
 * @example
 * allocate({ a: 80, b: 20 }, 10, "neyman", { a: 1, b: 4 }); // { a: 5, b: 5 }
 */
export function allocate(
  sizes: Readonly<Record<string, number>>,
  total: number,
  allocation: Allocation = "proportional",
  sd?: Readonly<Record<string, number>>,
): Record<string, number> {
  const keys = Object.keys(sizes);
  const weight = (k: string): number => {
    if (allocation === "proportional") return sizes[k];
    const s = sd?.[k];
    if (s === undefined || !(s >= 0)) {
      throw new ConfigError(`Neyman allocation needs a non-negative SD for stratum "${k}"`, { field: "sd" });
    }
    return sizes[k] * s;
  };
  let weights = keys.map(weight);
  let sumW = weights.reduce((a, b) => a + b, 0);
  // Every σ_h = 0 says nothing about where to sample: fall back to proportional.
  if (sumW === 0) {
    weights = keys.map((k) => sizes[k]);
    sumW = weights.reduce((a, b) => a + b, 0);
  }
  const minimum = keys.map((k) => Math.min(2, sizes[k]));
  const needed = minimum.reduce((a, b) => a + b, 0);
  if (total < needed) {
    throw new ConfigError(`sample size ${total} is too small for 2 rows in each of ${keys.length} strata (needs ${needed})`, {
      field: "size",
    });
  }
  const ideal = weights.map((w) => (sumW > 0 ? (total * w) / sumW : 0));
  const n = keys.map((k, i) => Math.min(sizes[k], Math.max(minimum[i], Math.floor(ideal[i]))));
  let sum = n.reduce((a, b) => a + b, 0);
  while (sum < total) {
    let best = -1;
    for (let i = 0; i < keys.length; i++) {
      if (n[i] < sizes[keys[i]] && (best < 0 || ideal[i] - n[i] > ideal[best] - n[best])) best = i;
    }
    n[best] += 1;
    sum += 1;
  }
  while (sum > total) {
    let worst = -1;
    for (let i = 0; i < keys.length; i++) {
      if (n[i] > minimum[i] && (worst < 0 || ideal[i] - n[i] < ideal[worst] - n[worst])) worst = i;
    }
    n[worst] -= 1;
    sum -= 1;
  }
  return Object.fromEntries(keys.map((k, i) => [k, n[i]]));
}

function resolveSize(n: number, opts: SampleOptions): number {
  const size = opts.size ?? (opts.fraction === undefined ? undefined : Math.round(opts.fraction * n));
  if (size === undefined) throw new ConfigError("sampling needs a size or a fraction", { field: "size" });
  if (!Number.isInteger(size) || size < 0 || size > n) {
    throw new ConfigError(`sample size ${size} is not a whole number between 0 and ${n}`, { field: "size" });
  }
  return size;
}

/**
 * Sorted row indices of a seeded random sample of n rows, simple or stratified.
 *
 * @example
 * sample(100, { fraction: 0.1, seed: 7 }); // 10 sorted indices in 0..99
 * sample(4, { size: 4, strata: ["x", "x", "y", "y"], seed: 1 }); // [0, 1, 2, 3]
 */
export function sample(n: number, opts: SampleOptions): number[] {
  const size = resolveSize(n, opts);
  const rng = createRng(opts.seed ?? 1);
  if (!opts.strata) return pick(Array.from({ length: n }, (_, i) => i), size, rng).sort((a, b) => a - b);
  if (opts.strata.length !== n) {
    throw new ConfigError(`strata has ${opts.strata.length} labels for ${n} rows`, { field: "strata" });
  }
  const groups = new Map<string, number[]>();
  opts.strata.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  const sizes = Object.fromEntries([...groups].map(([k, rows]) => [k, rows.length]));
  const counts = allocate(sizes, size, opts.allocation ?? "proportional", opts.sd);
  const out: number[] = [];
  for (const [k, rows] of groups) out.push(...pick(rows, counts[k], rng));
  return out.sort((a, b) => a - b);
}
