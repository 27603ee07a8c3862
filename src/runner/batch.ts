import type { ModelTarget, ProviderKind } from "../config/load.js";
import type { Price } from "../config/schema.js";
import { ProviderError } from "../errors.js";
import type { BatchApi, BatchCounts, BatchResult } from "../providers/batch/index.js";
import { BATCH_DISCOUNT, costUsd, priceFor } from "../providers/prices.js";
import type { CompletionRequest, ProviderReply } from "../providers/provider.js";
import type { BatchRecord } from "../store/journal.js";
import { DEFAULT_RETRY, type RetryPolicy, shouldRetry, withRetry } from "./retry.js";
import { groupBy } from "./group.js";

/** A call that missed the cache, to be answered through a batch API. */
export interface BatchTask {
  key: string;
  target: ModelTarget;
  req: CompletionRequest;
}

export type BatchOutcome =
  | { ok: true; reply: ProviderReply; costUsd: number | null; batchId: string }
  | { ok: false; error: ProviderError; batchId: string | null };

/** Progress of one batch: after it is submitted or resumed, after every poll, and once collected. */
export interface BatchProgress {
  phase: "submitted" | "resumed" | "polled" | "collected";
  batchId: string;
  provider: ProviderKind;
  model: string;
  status: string;
  counts: BatchCounts | null;
  /** Batches not yet collected, this one included until it is. */
  open: number;
}

export interface BatchDriverOptions {
  apis: Partial<Record<ProviderKind, BatchApi>>;
  prices?: Record<string, Price>;
  /** Awaited after each submit and before any poll: journal it, so a restarted process collects instead of resubmitting. */
  record?: (r: BatchRecord) => Promise<void> | void;
  /** Batch lines of the run being resumed, oldest first; a later batch holding a key supersedes an earlier one. */
  known?: readonly BatchRecord[];
  /** Each key's outcome as soon as its batch is collected (journal and cache it here). */
  onResult?: (key: string, outcome: BatchOutcome) => Promise<void> | void;
  onProgress?: (p: BatchProgress) => void;
  /** Requests per batch (default 10,000; OpenAI allows 50,000, Anthropic 100,000). */
  maxPerBatch?: number;
  /** Poll backoff: first wait, growth factor, longest wait (default 5 s, x1.5, 60 s). */
  poll?: { initialMs?: number; factor?: number; maxMs?: number };
  /** Retries of the batch API's own HTTP calls (submit, poll, collect). */
  retry?: RetryPolicy;
  /** Requests that failed with a retryable error go into a new batch this many times (default 1). */
  resubmitRounds?: number;
  signal?: AbortSignal;
}

interface Open {
  rec: BatchRecord;
  /** customId -> the task it answers (only keys still needed). */
  tasks: Map<string, BatchTask>;
}

const customId = (i: number): string => `k${i}`;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Answer `tasks` through the providers' batch APIs at the batch price: group by provider and
 * model, submit in chunks, record each batch, poll with backoff, collect, price at
 * BATCH_DISCOUNT. Keys held by a `known` batch are collected from it, never resubmitted.
 * Returns one outcome per task key; parsing the replies is the caller's business.
 * @example
 * const out = await runBatches(tasks, { apis: { openai: batchApi("openai", opts) }, record: (r) => journal.batch(r) });
 */
export async function runBatches(tasks: readonly BatchTask[], opts: BatchDriverOptions): Promise<Map<string, BatchOutcome>> {
  const out = new Map<string, BatchOutcome>();
  const byKey = new Map<string, BatchTask>();
  for (const t of tasks) if (!byKey.has(t.key)) byKey.set(t.key, t);
  const retry = opts.retry ?? DEFAULT_RETRY;
  let rounds = Math.max(0, opts.resubmitRounds ?? 1);
  const signal = opts.signal;
  const http = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return (await withRetry(fn, retry, { signal })).value;
    } catch (e) {
      // An abort surfaces as itself, not as the SDK's "request was aborted" ProviderError.
      throw signal?.aborted ? signal.reason : e;
    }
  };
  const api = (p: ProviderKind): BatchApi => {
    const a = opts.apis[p];
    if (!a) throw new ProviderError(`${p}: no batch API configured`, { kind: "bad_response" });
    return a;
  };

  // The latest known batch holding each needed key owns it.
  const owner = new Map<string, BatchRecord>();
  for (const rec of opts.known ?? []) for (const k of rec.keys) if (byKey.has(k)) owner.set(k, rec);
  const open: Open[] = [];
  for (const rec of new Set(owner.values())) {
    const held = new Map<string, BatchTask>();
    rec.keys.forEach((k, i) => {
      if (owner.get(k) === rec) held.set(customId(i), byKey.get(k)!);
    });
    open.push({ rec, tasks: held });
  }
  for (const o of open) progress("resumed", o, "resumed", null);

  function progress(phase: BatchProgress["phase"], o: Open, status: string, counts: BatchCounts | null): void {
    opts.onProgress?.({ phase, batchId: o.rec.batchId, provider: o.rec.provider, model: o.rec.model, status, counts, open: open.length });
  }

  async function submit(todo: BatchTask[]): Promise<void> {
    // One batch per provider and model.
    const groups = groupBy(todo, (t) => `${t.target.provider}\u0000${t.req.model}`);
    const max = Math.max(1, opts.maxPerBatch ?? 10_000);
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += max) {
        const chunk = group.slice(i, i + max);
        // createBatcher admits only the openai and anthropic providers.
        const provider = chunk[0]!.target.provider as BatchRecord["provider"];
        const h = await http(() => api(provider).submit(chunk.map((t, j) => ({ customId: customId(j), req: t.req })), signal));
        const rec: BatchRecord = { batchId: h.batchId, provider, model: chunk[0]!.req.model, keys: chunk.map((t) => t.key), at: new Date().toISOString() };
        await opts.record?.(rec);
        const o: Open = { rec, tasks: new Map(chunk.map((t, j) => [customId(j), t])) };
        open.push(o);
        progress("submitted", o, "submitted", null);
      }
    }
  }

  async function finish(o: Open, status: string, failure: string | undefined): Promise<BatchTask[]> {
    const results: Map<string, BatchResult> = await http(() => api(o.rec.provider).collect(o.rec.batchId, signal));
    const again: BatchTask[] = [];
    for (const [id, t] of o.tasks) {
      const r =
        results.get(id) ??
        // A failed batch (validation) would fail again; an expired or canceled one may not.
        (failure
          ? new ProviderError(`${o.rec.provider} batch ${o.rec.batchId} failed: ${failure}`, { kind: "http", status: 400 })
          : new ProviderError(`${o.rec.provider} batch ${o.rec.batchId} ended "${status}" without a result for this request`, { kind: "timeout" }));
      if (r instanceof ProviderError && shouldRetry(r) && rounds > 0) {
        again.push(t);
        continue;
      }
      const outcome: BatchOutcome =
        r instanceof ProviderError
          ? { ok: false, error: r, batchId: o.rec.batchId }
          : { ok: true, reply: r, batchId: o.rec.batchId, costUsd: batchCost(t.req.model, r, opts.prices) };
      out.set(t.key, outcome);
      await opts.onResult?.(t.key, outcome);
    }
    return again;
  }

  await submit([...byKey.values()].filter((t) => !owner.has(t.key)));
  const initialMs = opts.poll?.initialMs ?? 5_000;
  let wait = initialMs;
  while (open.length) {
    await sleep(wait, signal);
    wait = Math.min(opts.poll?.maxMs ?? 60_000, wait * (opts.poll?.factor ?? 1.5));
    const again: BatchTask[] = [];
    for (const o of [...open]) {
      const s = await http(() => api(o.rec.provider).poll(o.rec.batchId, signal));
      progress("polled", o, s.status, s.counts);
      if (!s.done) continue;
      again.push(...(await finish(o, s.status, s.failure)));
      open.splice(open.indexOf(o), 1);
      progress("collected", o, s.status, s.counts);
    }
    if (again.length) {
      rounds--;
      await submit(again);
      wait = initialMs;
    }
  }
  return out;
}

/** Dollars for one batched reply: the list price times BATCH_DISCOUNT; null when the price or tokens are unknown. */
export function batchCost(model: string, reply: ProviderReply, prices?: Record<string, Price>): number | null {
  const full = costUsd(priceFor(model, prices), reply.inputTokens, reply.outputTokens);
  return full == null ? null : full * BATCH_DISCOUNT;
}
