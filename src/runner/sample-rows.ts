import { ConfigError } from "../errors.js";
import type { RowRef } from "../data/dataset.js";
import { sample } from "../sampling/sample.js";

export interface SampledRows<R extends RowRef> {
  rows: R[];
  /** The item ids kept. */
  items: Set<string>;
  /** Distinct items before and after sampling. */
  itemsTotal: number;
  itemsSampled: number;
  note: string | null;
}

/** Distinct item ids in first-seen order (several candidates' rows share an item). */
export function itemIds(rows: readonly RowRef[]): string[] {
  return [...new Set(rows.map((r) => r.id))];
}

/**
 * A seeded sample of items (all candidates' rows of a chosen item stay together, so paired
 * comparisons survive), simple or stratified by a metadata column.
 */
export function sampleRows<R extends RowRef>(rows: R[], opts: { sample?: number; stratifyBy?: string; seed: number }): SampledRows<R> {
  const items = itemIds(rows);
  if (opts.sample === undefined) {
    if (opts.stratifyBy) throw new ConfigError("--stratify-by needs --sample");
    return { rows, items: new Set(items), itemsTotal: items.length, itemsSampled: items.length, note: null };
  }
  const isFraction = opts.sample < 1;
  if (!isFraction && !Number.isInteger(opts.sample)) throw new ConfigError(`--sample ${opts.sample}: give a whole number of items or a fraction below 1`);
  const size = isFraction ? undefined : Math.min(opts.sample, items.length);
  let strata: string[] | undefined;
  if (opts.stratifyBy) {
    const col = opts.stratifyBy;
    const first = new Map<string, RowRef>();
    for (const r of rows) if (!first.has(r.id)) first.set(r.id, r);
    if (!rows.some((r) => col in r.meta)) throw new ConfigError(`--stratify-by "${col}": the dataset has no such column`, { field: "stratifyBy" });
    strata = items.map((id) => first.get(id)?.meta[col] ?? "");
  }
  const picked = new Set(sample(items.length, { size, fraction: isFraction ? opts.sample : undefined, seed: opts.seed, strata }).map((i) => items[i]!));
  const kept = rows.filter((r) => picked.has(r.id));
  const how = opts.stratifyBy ? `stratified by ${opts.stratifyBy}` : "simple random";
  return {
    rows: kept,
    items: picked,
    itemsTotal: items.length,
    itemsSampled: picked.size,
    note: `Judged a ${how} sample of ${picked.size} of ${items.length} items (seed ${opts.seed}); means and intervals describe the full dataset only as far as the sample represents it.`,
  };
}
