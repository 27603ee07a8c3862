import Anthropic from "@anthropic-ai/sdk";
import { nodeFetch } from "./http.js";
import { sdkCaller, sdkOptions } from "./sdk.js";
import type { CompletionRequest, Provider, ProviderOptions, ProviderReply } from "./provider.js";

/** The Messages body for a request; the batch path sends exactly these params too. */
export function anthropicMessageBody(req: CompletionRequest): Anthropic.Messages.MessageCreateParamsNonStreaming {
  const system = req.messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
  const messages = req.messages
    .filter((m) => m.role !== "system")
    .map((m) => ({ role: m.role as "user" | "assistant", content: m.content }));
  // This SDK major no longer takes `temperature` (current Claude models fix sampling server-side).
  return { model: req.model, max_tokens: req.maxTokens, messages, ...(system ? { system } : {}), ...req.extraBody } as Anthropic.Messages.MessageCreateParamsNonStreaming;
}

/** A message -> ProviderReply, for live and batched calls alike. */
export function anthropicReply(res: Anthropic.Messages.Message, latencyMs: number): ProviderReply {
  const text = res.content
    .filter((b): b is Anthropic.Messages.TextBlock => b.type === "text")
    .map((b) => b.text)
    .join("");
  return {
    text,
    inputTokens: res.usage?.input_tokens ?? null,
    // Extended thinking is billed inside output_tokens; the API does not report it apart.
    outputTokens: res.usage?.output_tokens ?? null,
    finish: res.stop_reason === "max_tokens" ? "length" : (res.stop_reason ?? null),
    latencyMs,
  };
}

export function anthropicProvider(opts: ProviderOptions): Provider {
  const client = new Anthropic({ ...sdkOptions(opts), fetch: nodeFetch });
  const call = sdkCaller("anthropic", Anthropic, opts);
  return {
    kind: "anthropic",
    async complete(req: CompletionRequest, signal?: AbortSignal): Promise<ProviderReply> {
      const started = performance.now();
      if (req.stream) return call(signal, (s) => streamed(client, req, s, started));
      const res = await call(signal, (s) => client.messages.create(anthropicMessageBody(req), { signal: s, ...(req.headers ? { headers: req.headers } : {}) }));
      return anthropicReply(res, performance.now() - started);
    },
  };
}

/**
 * A streamed message read event by event: the first text delta is the time to first token a chat
 * user feels; `message_start` carries the input tokens, `message_delta` the stop reason and the
 * final output tokens.
 */
async function streamed(client: Anthropic, req: CompletionRequest, signal: AbortSignal | undefined, started: number): Promise<ProviderReply> {
  const stream = await client.messages.create({ ...anthropicMessageBody(req), stream: true }, { signal, ...(req.headers ? { headers: req.headers } : {}) });
  let text = "";
  let firstTokenMs: number | null = null;
  let inputTokens: number | null = null;
  let outputTokens: number | null = null;
  let stop: string | null = null;
  for await (const event of stream) {
    if (event.type === "message_start") {
      inputTokens = event.message.usage?.input_tokens ?? null;
      outputTokens = event.message.usage?.output_tokens ?? null;
    } else if (event.type === "content_block_delta" && event.delta.type === "text_delta" && event.delta.text) {
      firstTokenMs ??= performance.now() - started;
      text += event.delta.text;
    } else if (event.type === "message_delta") {
      // Cumulative counts: the last message_delta holds the totals.
      outputTokens = event.usage?.output_tokens ?? outputTokens;
      inputTokens = event.usage?.input_tokens ?? inputTokens;
      stop = event.delta.stop_reason ?? stop;
    }
  }
  // The SDK ends the iteration quietly when aborted: a cut-off answer must not pass for a whole one.
  signal?.throwIfAborted();
  return {
    text,
    inputTokens,
    outputTokens,
    finish: stop === "max_tokens" ? "length" : stop,
    latencyMs: performance.now() - started,
    firstTokenMs,
  };
}
