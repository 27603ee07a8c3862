import { type ModelTarget, type Suite, assertBatchable } from "../config/load.js";
import { batchApi } from "../providers/batch/index.js";
import type { CompletionRequest, ProviderReply } from "../providers/provider.js";
import type { BatchRecord } from "../store/journal.js";
import { type BatchProgress, type BatchTask, runBatches } from "./batch.js";

export interface Batched {
  reply: ProviderReply;
  costUsd: number | null;
}

interface Waiting {
  task: BatchTask;
  resolve: (b: Batched) => void;
  reject: (e: unknown) => void;
}

/**
 * Turns the runner's one-call-at-a-time requests into provider batches: calls that arrive
 * together (no new one for `settleMs`) go out as one round through the batch APIs, at the
 * batch price. A re-ask is simply a later round. Batch ids are journaled before polling, so a
 * restarted process collects them instead of paying again.
 */

export function createBatcher(suite: Suite, opts: { known?: readonly BatchRecord[]; record: (r: BatchRecord) => Promise<void>; signal: AbortSignal; onProgress?: (p: BatchProgress) => void; settleMs?: number; pollMs?: number }) {
  assertBatchable(suite);
  const apis = Object.fromEntries((["openai", "anthropic"] as const).map((k) => [k, batchApi(k, { ...suite.providers[k]!, timeoutMs: suite.timeoutMs })]));
  let queue: Waiting[] = [];
  let timer: NodeJS.Timeout | null = null;
  const settleMs = opts.settleMs ?? 200;

  const flush = async () => {
    timer = null;
    const round = queue;
    queue = [];
    try {
      const outcomes = await runBatches(
        round.map((w) => w.task),
        { apis, prices: suite.prices, known: opts.known, record: opts.record, onProgress: opts.onProgress, signal: opts.signal, poll: opts.pollMs ? { initialMs: opts.pollMs, maxMs: opts.pollMs * 4 } : undefined },
      );
      for (const w of round) {
        const o = outcomes.get(w.task.key);
        if (!o) w.reject(new Error(`batch returned no result for ${w.task.target.id}`));
        else if (o.ok) w.resolve({ reply: o.reply, costUsd: o.costUsd });
        else w.reject(o.error);
      }
    } catch (e) {
      for (const w of round) w.reject(e);
    }
  };

  return {
    request(key: string, target: ModelTarget, req: CompletionRequest): Promise<Batched> {
      return new Promise((resolve, reject) => {
        queue.push({ task: { key, target, req }, resolve, reject });
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void flush(), settleMs);
      });
    },
  };
}

export type Batcher = ReturnType<typeof createBatcher>;
