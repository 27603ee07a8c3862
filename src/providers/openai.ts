import OpenAI from "openai";
import { nodeFetch } from "./http.js";
import { sdkCaller, sdkOptions } from "./sdk.js";
import type { CompletionRequest, Provider, ProviderOptions, ProviderReply } from "./provider.js";

/** The chat-completions body for a request; the batch path sends exactly this body too. */
export function openaiChatBody(req: CompletionRequest): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  return {
    model: req.model,
    messages: req.messages,
    temperature: req.temperature,
    max_tokens: req.maxTokens,
    ...(req.topLogprobs ? { logprobs: true, top_logprobs: req.topLogprobs } : {}),
  };
}

/** A chat completion -> ProviderReply, for live and batched calls alike. */
export function openaiReply(res: OpenAI.Chat.Completions.ChatCompletion, latencyMs: number): ProviderReply {
  const choice = res.choices?.[0];
  const first = choice?.logprobs?.content?.[0];
  return {
    text: choice?.message?.content ?? "",
    firstTokenTop: first?.top_logprobs?.map((t) => ({ token: t.token, logprob: t.logprob })),
    inputTokens: res.usage?.prompt_tokens ?? null,
    outputTokens: res.usage?.completion_tokens ?? null,
    latencyMs,
  };
}

/** Any OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, Ollama, llama.cpp, TGI, the simulator. */
export function openaiProvider(opts: ProviderOptions): Provider {
  const client = new OpenAI({ ...sdkOptions(opts), fetch: nodeFetch });
  const call = sdkCaller("openai", OpenAI, opts);
  return {
    kind: "openai",
    async complete(req: CompletionRequest, signal?: AbortSignal): Promise<ProviderReply> {
      const started = performance.now();
      const res = await call(signal, (s) => client.chat.completions.create(openaiChatBody(req), { signal: s }));
      return openaiReply(res, performance.now() - started);
    },
  };
}
