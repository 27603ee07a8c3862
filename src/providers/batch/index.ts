import type { ProviderOptions } from "../provider.js";
import { anthropicBatchApi } from "./anthropic.js";
import { openaiBatchApi } from "./openai.js";
import type { BatchApi, BatchProviderKind } from "./types.js";

export type { BatchApi, BatchCounts, BatchHandle, BatchProviderKind, BatchRequest, BatchResult, BatchStatus } from "./types.js";
export { anthropicBatchApi, openaiBatchApi };

/**
 * The batch API of a provider kind, built with `maxRetries: 0` (the runner owns retries).
 * @example
 * const api = batchApi("openai", { baseURL: sim.openaiBaseURL, apiKey: "sim", timeoutMs: 60_000 });
 * const { batchId } = await api.submit([{ customId: "r0", req }]);
 */
export function batchApi(kind: BatchProviderKind, opts: ProviderOptions): BatchApi {
  return kind === "openai" ? openaiBatchApi(opts) : anthropicBatchApi(opts);
}
