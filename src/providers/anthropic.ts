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
      const res = await call(signal, (s) => client.messages.create(anthropicMessageBody(req), { signal: s, ...(req.headers ? { headers: req.headers } : {}) }));
      return anthropicReply(res, performance.now() - started);
    },
  };
}
