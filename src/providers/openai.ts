import OpenAI, { AzureOpenAI } from "openai";
import { scoreTokenTop } from "../critic/logprobs.js";
import { nodeFetch } from "./http.js";
import { sdkCaller, sdkOptions } from "./sdk.js";
import type { CompletionRequest, Provider, ProviderOptions, ProviderReply } from "./provider.js";

/** The chat-completions body for a request; the batch path sends exactly this body too. */
export function openaiChatBody(req: CompletionRequest): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  return {
    model: req.model,
    messages: req.messages,
    ...(req.temperature != null ? { temperature: req.temperature } : {}),
    [req.tokenParam ?? "max_tokens"]: req.maxTokens,
    ...(req.reasoningEffort ? { reasoning_effort: req.reasoningEffort as OpenAI.ReasoningEffort } : {}),
    ...(req.topLogprobs ? { logprobs: true, top_logprobs: req.topLogprobs } : {}),
    ...req.extraBody,
  };
}

/** Open-weights reasoning models served without a reasoning parser put their thinking inline. */
const THINK_BLOCK = /^\s*<think>[\s\S]*?<\/think>\s*/;

/** A chat completion -> ProviderReply, for live and batched calls alike. */
export function openaiReply(res: OpenAI.Chat.Completions.ChatCompletion, latencyMs: number): ProviderReply {
  const choice = res.choices?.[0];
  const text = choice?.message?.content ?? "";
  const thought = THINK_BLOCK.exec(text);
  return {
    text: thought ? text.slice(thought[0].length) : text,
    // After a thinking block the tokens are not the answer's: no distribution from them.
    // Otherwise the alternatives where the score digit is (after any `**` or `Score:`).
    firstTokenTop: thought ? undefined : scoreTokenTop(choice?.logprobs?.content),
    inputTokens: res.usage?.prompt_tokens ?? null,
    outputTokens: res.usage?.completion_tokens ?? null,
    reasoningTokens: res.usage?.completion_tokens_details?.reasoning_tokens ?? null,
    finish: choice?.finish_reason ?? null,
    latencyMs,
  };
}

/**
 * Azure OpenAI through the SDK's own client: `{endpoint}/openai/deployments/{model}/chat/completions?api-version=...`
 * with an `api-key` header; the request's model names the deployment.
 */
function azureClient(opts: ProviderOptions): OpenAI {
  const { baseURL, ...rest } = sdkOptions(opts);
  // baseURL: null, or the SDK takes OPENAI_BASE_URL (meant for the openai provider) and refuses it beside the endpoint.
  return new AzureOpenAI({ ...rest, baseURL: null, endpoint: baseURL, apiVersion: opts.azureApiVersion, fetch: nodeFetch });
}

/** Any OpenAI-compatible chat-completions endpoint: OpenAI, vLLM, Ollama, llama.cpp, TGI, the simulator. */
export function openaiProvider(opts: ProviderOptions): Provider {
  const client = opts.azureApiVersion ? azureClient(opts) : new OpenAI({ ...sdkOptions(opts), fetch: nodeFetch });
  const call = sdkCaller("openai", OpenAI, opts);
  return {
    kind: "openai",
    async complete(req: CompletionRequest, signal?: AbortSignal): Promise<ProviderReply> {
      const started = performance.now();
      if (req.stream) return call(signal, (s) => streamed(client, req, s, started));
      const res = await call(signal, (s) => client.chat.completions.create(openaiChatBody(req), { signal: s, ...(req.headers ? { headers: req.headers } : {}) }));
      return openaiReply(res, performance.now() - started);
    },
  };
}

/**
 * A streamed chat completion read chunk by chunk: the time of the first piece of text is the
 * time to first token a chat user feels; `stream_options.include_usage` brings the token counts.
 */
async function streamed(client: OpenAI, req: CompletionRequest, signal: AbortSignal | undefined, started: number): Promise<ProviderReply> {
  const body = { ...openaiChatBody(req), stream: true as const, stream_options: { include_usage: true } };
  const stream = await client.chat.completions.create(body, { signal, ...(req.headers ? { headers: req.headers } : {}) });
  let text = "";
  let firstTokenMs: number | null = null;
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | null = null;
  for await (const chunk of stream) {
    const choice = chunk.choices?.[0];
    const piece = choice?.delta?.content;
    if (piece) {
      firstTokenMs ??= performance.now() - started;
      text += piece;
    }
    if (choice?.finish_reason) finish = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  // The SDK ends the iteration quietly when aborted: a cut-off answer must not pass for a whole one.
  signal?.throwIfAborted();
  const thought = THINK_BLOCK.exec(text);
  return {
    text: thought ? text.slice(thought[0].length) : text,
    inputTokens: usage?.prompt_tokens ?? null,
    outputTokens: usage?.completion_tokens ?? null,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? null,
    finish,
    latencyMs: performance.now() - started,
    firstTokenMs,
  };
}
