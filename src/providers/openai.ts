import OpenAI from "openai";
import { toProviderError } from "./errors.js";
import { requestSignal } from "./signal.js";
import { nodeFetch } from "./http.js";
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
  const client = new OpenAI({
    apiKey: opts.apiKey ?? "not-needed",
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs,
    maxRetries: 0,
    fetch: nodeFetch,
  });
  return {
    kind: "openai",
    async complete(req: CompletionRequest, signal?: AbortSignal): Promise<ProviderReply> {
      const started = performance.now();
      let res: OpenAI.Chat.Completions.ChatCompletion;
      const scoped = requestSignal(signal);
      try {
        res = await client.chat.completions.create(openaiChatBody(req), { signal: scoped.signal });
      } catch (e) {
        throw toProviderError(e, "openai", OpenAI, [opts.apiKey]);
      } finally {
        scoped.release();
      }
      return openaiReply(res, performance.now() - started);
    },
  };
}
