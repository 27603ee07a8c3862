/**
 * The pure driver of a sequential A-vs-B comparison (methods.md §6.1): items are judged in a
 * random order, in batches; after each batch the per-item differences D = A − B ∈ [−1, 1] go
 * into an anytime-valid confidence sequence, and the comparison stops as soon as it is decided.
 * Stopping early is safe because the CS holds at every t simultaneously.
 */
import { ConfigError } from "../errors.js";
import { createRng } from "../stats/rng.js";
import {
  createConfidenceSequence,
  type CsMethod,
  type Decision,
  decide,
  differenceToUnit,
} from "../stats/sequential.js";
import { shuffledIndices } from "./sample.js";

export interface SequentialComparisonOptions {
  /** Error rate of the whole sequence (use α/m for m simultaneous comparisons); default 0.05. */
  alpha?: number;
  /** Equivalence margin on the D scale (a level difference divided by K − 1). */
  delta: number;
  /** Items judged between two looks at the data. */
  batchSize: number;
  /** Planned number of items; the CS is tightest there. Stopping later or sooner stays valid. */
  horizon: number;
  /** Default "betting" (hedged capital, Waudby-Smith & Ramdas 2024): adapts to the variance of D and is the tightest at small n. */
  method?: CsMethod;
  /** Pool size: when given, `nextBatch` hands out row indices in a seeded random order. */
  items?: number;
  seed?: number | string;
  /** Hard cap on items (the budget); the comparison ends "undecided" there. */
  maxItems?: number;
}

export interface SequentialState {
  /** Differences seen so far (missing ones excluded). */
  t: number;
  /** Mean difference D, null before any data. */
  estimate: number | null;
  /** Confidence sequence for the mean of D, on the D scale [−1, 1]. */
  cs: { lo: number; hi: number };
  /** The first decision reached; "undecided" until then. */
  decision: Decision;
  /** Decided, or the pool or the cap is used up: ask for no more judgments. */
  done: boolean;
  /** Null differences passed to `add` (abstentions), not counted in t. */
  missing: number;
}

export interface SequentialComparison {
  /** Feeds one batch of per-item differences (null = missing) and looks at the data once. */
  add(differences: ReadonlyArray<number | null>): SequentialState;
  state(): SequentialState;
  /** The next batch of row indices to judge, in random order; [] when done. Needs `items`. */
  nextBatch(): number[];
}

/**
 * @example
 * const cmp = createSequentialComparison({ delta: 0.05, batchSize: 50, horizon: 400, items: 2000, seed: 1 });
 * while (!cmp.state().done) cmp.add(cmp.nextBatch().map((i) => (scoreA[i] - scoreB[i]) / 6));
 * cmp.state().decision; // "A better" | "B better" | "equivalent within delta" | "undecided"
 */
export function createSequentialComparison(opts: SequentialComparisonOptions): SequentialComparison {
  if (!(opts.batchSize >= 1)) throw new ConfigError(`batchSize ${opts.batchSize} must be at least 1`, { field: "batchSize" });
  if (!(opts.delta >= 0 && opts.delta < 1)) throw new ConfigError(`delta ${opts.delta} must be in [0, 1)`, { field: "delta" });
  const cs = createConfidenceSequence(opts.method ?? "betting", {
    alpha: opts.alpha ?? 0.05,
    horizon: opts.horizon,
    runningIntersection: true,
  });
  const order = opts.items === undefined ? null : shuffledIndices(opts.items, createRng(opts.seed ?? 1));
  const cap = Math.min(opts.maxItems ?? Number.POSITIVE_INFINITY, opts.items ?? Number.POSITIVE_INFINITY);
  let handedOut = 0;
  let sum = 0;
  let missing = 0;
  let decision: Decision = "undecided";

  const state = (): SequentialState => {
    const b = cs.current();
    return {
      t: b.t,
      estimate: b.t === 0 ? null : sum / b.t,
      cs: { lo: 2 * b.lo - 1, hi: 2 * b.hi - 1 },
      decision,
      done: decision !== "undecided" || b.t + missing >= cap,
      missing,
    };
  };

  return {
    state,
    add(differences) {
      for (const d of differences) {
        if (d === null) {
          missing += 1;
          continue;
        }
        cs.push(differenceToUnit(d));
        sum += d;
      }
      if (decision === "undecided") decision = decide(cs.current(), { delta: opts.delta });
      return state();
    },
    nextBatch() {
      if (!order) throw new ConfigError("nextBatch needs the pool size `items`", { field: "items" });
      if (state().done) return [];
      const end = Math.min(handedOut + opts.batchSize, cap);
      const batch = order.slice(handedOut, end);
      handedOut = end;
      return batch;
    },
  };
}
