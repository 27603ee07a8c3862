import type { ProviderError } from "../../errors.js";
import type { CompletionRequest, ProviderReply } from "../provider.js";

export type BatchProviderKind = "openai" | "anthropic";

/** One request inside a batch. `customId` is unique within the batch; Anthropic allows [a-zA-Z0-9_-]{1,64}. */
export interface BatchRequest {
  customId: string;
  req: CompletionRequest;
}

export interface BatchHandle {
  provider: BatchProviderKind;
  batchId: string;
}

export interface BatchCounts {
  total: number;
  succeeded: number;
  failed: number;
  /** Not answered yet. */
  processing: number;
}

export interface BatchStatus {
  /** The provider's own word: "validating", "in_progress", "completed", "failed", "expired", "ended", ... */
  status: string;
  /** Nothing more will change: collect now (results may be partial or absent). */
  done: boolean;
  counts: BatchCounts;
  /** From creation to end, in ms; null while running. */
  turnaroundMs: number | null;
  /** Why the whole batch failed, when it did (OpenAI validation errors). */
  failure?: string;
}

/** Per request: the reply, or the error that request got (the batch itself succeeded). */
export type BatchResult = ProviderReply | ProviderError;

/**
 * A provider's batch API. `collect` maps customId -> result; a request that has no result
 * (batch failed, expired or canceled) is simply absent, and the caller decides what that means.
 * Replies carry the batch turnaround as `latencyMs`: that is how long the answer took.
 */
export interface BatchApi {
  readonly kind: BatchProviderKind;
  submit(requests: readonly BatchRequest[], signal?: AbortSignal): Promise<BatchHandle>;
  poll(batchId: string, signal?: AbortSignal): Promise<BatchStatus>;
  collect(batchId: string, signal?: AbortSignal): Promise<Map<string, BatchResult>>;
}
