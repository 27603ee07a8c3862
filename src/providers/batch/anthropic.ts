import Anthropic from "@anthropic-ai/sdk";
import { ProviderError } from "../../errors.js";
import { anthropicMessageBody, anthropicReply } from "../anthropic.js";
import { sdkCaller, sdkOptions } from "../sdk.js";
import type { ProviderOptions } from "../provider.js";
import type { BatchApi, BatchResult, BatchStatus } from "./types.js";

/** Anthropic error types -> the HTTP status a live call would have got, so retry rules apply alike. */
const STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

function result(r: Anthropic.Messages.Batches.MessageBatchResult, latencyMs: number): BatchResult {
  switch (r.type) {
    case "succeeded":
      return anthropicReply(r.message, latencyMs);
    case "errored": {
      const e = r.error?.error;
      const type = e?.type ?? "api_error";
      return new ProviderError(`anthropic batch: ${type}: ${(e?.message ?? "").slice(0, 300)}`, { kind: "http", status: STATUS[type] ?? 500 });
    }
    case "expired":
      return new ProviderError("anthropic batch: request expired before it was processed", { kind: "timeout" });
    default:
      return new ProviderError("anthropic batch: request canceled", { kind: "bad_response" });
  }
}

const status = (b: Anthropic.Messages.Batches.MessageBatch): BatchStatus => {
  const c = b.request_counts;
  const failed = c.errored + c.canceled + c.expired;
  return {
    status: b.processing_status,
    done: b.processing_status === "ended",
    counts: { total: c.processing + c.succeeded + failed, succeeded: c.succeeded, failed, processing: c.processing },
    turnaroundMs: b.ended_at ? Date.parse(b.ended_at) - Date.parse(b.created_at) : null,
  };
};

/** Anthropic Message Batches: one create with every request's params, poll, stream the JSONL results. */
export function anthropicBatchApi(opts: ProviderOptions): BatchApi {
  // The platform fetch, not providers/http.ts: results stream, and a batch makes only a handful of calls.
  const client = new Anthropic(sdkOptions(opts));
  const call = sdkCaller("anthropic batch", Anthropic, opts);
  return {
    kind: "anthropic",
    async submit(requests, signal) {
      const params = requests.map((r) => ({ custom_id: r.customId, params: anthropicMessageBody(r.req) }));
      const b = await call(signal, (s) => client.messages.batches.create({ requests: params }, { signal: s }));
      return { provider: "anthropic", batchId: b.id };
    },
    async poll(batchId, signal) {
      return status(await call(signal, (s) => client.messages.batches.retrieve(batchId, {}, { signal: s })));
    },
    async collect(batchId, signal) {
      const b = await call(signal, (s) => client.messages.batches.retrieve(batchId, {}, { signal: s }));
      const latency = status(b).turnaroundMs ?? 0;
      const out = new Map<string, BatchResult>();
      if (!b.results_url) return out;
      await call(signal, async (s) => {
        for await (const line of await client.messages.batches.results(batchId, {}, { signal: s })) out.set(line.custom_id, result(line.result, latency));
      });
      return out;
    },
  };
}
