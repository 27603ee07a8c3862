import OpenAI, { toFile } from "openai";
import { ProviderError } from "../../errors.js";
import { sdkCaller, sdkOptions } from "../sdk.js";
import { openaiChatBody, openaiReply } from "../openai.js";
import type { ProviderOptions } from "../provider.js";
import type { BatchApi, BatchResult, BatchStatus } from "./types.js";

const ENDPOINT = "/v1/chat/completions";
const DONE = new Set(["completed", "failed", "expired", "cancelled"]);

/** One line of an output or error file. */
interface OutputLine {
  custom_id: string;
  response: { status_code: number; request_id?: string; body: unknown } | null;
  error: { code?: string; message?: string } | null;
}

function lineResult(l: OutputLine, latencyMs: number): BatchResult {
  const r = l.response;
  if (r && r.status_code === 200) return openaiReply(r.body as OpenAI.Chat.Completions.ChatCompletion, latencyMs);
  if (r) {
    const msg = (r.body as { error?: { message?: string } } | null)?.error?.message ?? "no message";
    return new ProviderError(`openai batch: HTTP ${r.status_code}: ${msg.slice(0, 300)}`, { kind: "http", status: r.status_code });
  }
  const code = l.error?.code ?? "error";
  return new ProviderError(`openai batch: ${code}: ${l.error?.message ?? "no response"}`, { kind: code === "batch_expired" ? "timeout" : "bad_response" });
}

/**
 * OpenAI Batch API: upload the requests as a JSONL file (purpose "batch"), create a batch on
 * /v1/chat/completions, poll it, and read its output and error files.
 */
export function openaiBatchApi(opts: ProviderOptions): BatchApi {
  // The platform fetch, not providers/http.ts: a handful of calls per batch, and result files can be large.
  const client = new OpenAI(sdkOptions(opts));
  const call = sdkCaller("openai batch", OpenAI, opts);
  const status = (b: OpenAI.Batches.Batch): BatchStatus => {
    const c = b.request_counts ?? { total: 0, completed: 0, failed: 0 };
    const end = b.completed_at ?? b.failed_at ?? b.expired_at ?? b.cancelled_at ?? null;
    return {
      status: b.status,
      done: DONE.has(b.status),
      counts: { total: c.total, succeeded: c.completed, failed: c.failed, processing: Math.max(0, c.total - c.completed - c.failed) },
      turnaroundMs: end == null ? null : (end - b.created_at) * 1000,
      ...(b.status === "failed" ? { failure: b.errors?.data?.map((e) => e.message).join("; ") || "batch failed" } : {}),
    };
  };
  return {
    kind: "openai",
    async submit(requests, signal) {
      const jsonl = requests.map((r) => JSON.stringify({ custom_id: r.customId, method: "POST", url: ENDPOINT, body: openaiChatBody(r.req) })).join("\n");
      const file = await call(signal, async (s) =>
        client.files.create({ file: await toFile(Buffer.from(`${jsonl}\n`, "utf8"), "critic-batch.jsonl"), purpose: "batch" }, { signal: s }),
      );
      const b = await call(signal, (s) => client.batches.create({ input_file_id: file.id, endpoint: ENDPOINT, completion_window: "24h" }, { signal: s }));
      return { provider: "openai", batchId: b.id };
    },
    async poll(batchId, signal) {
      return status(await call(signal, (s) => client.batches.retrieve(batchId, { signal: s })));
    },
    async collect(batchId, signal) {
      const b = await call(signal, (s) => client.batches.retrieve(batchId, { signal: s }));
      const latency = status(b).turnaroundMs ?? 0;
      const out = new Map<string, BatchResult>();
      for (const fileId of [b.output_file_id, b.error_file_id]) {
        if (!fileId) continue;
        const text = await call(signal, async (s) => (await client.files.content(fileId, { signal: s })).text());
        for (const raw of text.split("\n")) {
          if (!raw.trim()) continue;
          const l = JSON.parse(raw) as OutputLine;
          out.set(l.custom_id, lineResult(l, latency));
        }
      }
      return out;
    },
  };
}
