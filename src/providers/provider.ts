import type { ChatMessage } from "../critic/prompt.js";
import type { TopLogprob } from "../critic/logprobs.js";

export interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  /** null: not sent (reasoning models accept only their default). */
  temperature: number | null;
  maxTokens: number;
  /** How the allowance is named on the wire (default `max_tokens`; see shapes.ts). */
  tokenParam?: "max_tokens" | "max_completion_tokens";
  /** Sent as `reasoning_effort` (OpenAI-compatible providers). */
  reasoningEffort?: string;
  /** Ask for top-k logprobs of each output token (OpenAI-compatible providers only). */
  topLogprobs?: number;
  /** Stream the reply (a candidate's, to measure time to first token); the text and usage are the same. */
  stream?: boolean;
  /** Extra body fields from the config, sent as given. */
  extraBody?: Record<string, unknown>;
  /** Extra request headers from the config. */
  headers?: Record<string, string>;
  /** Which of several samples of the same prompt (0-based): part of the cache key only, never sent. */
  sample?: number;
}

export interface ProviderReply {
  text: string;
  /** Top alternatives for the first output token, when the provider returned logprobs. */
  firstTokenTop?: TopLogprob[];
  inputTokens: number | null;
  /** All generated tokens, hidden reasoning included (that is how they are billed). */
  outputTokens: number | null;
  /** The hidden reasoning part of outputTokens, when the API reports it. */
  reasoningTokens?: number | null;
  /** Why generation stopped, normalised: "stop", "length" (the allowance ran out), or the API's own word. */
  finish?: string | null;
  latencyMs: number;
  /** A streamed reply: milliseconds from the request to the first piece of text. */
  firstTokenMs?: number | null;
}

/** A model API. Adapters are thin: no retries (the runner owns them), errors become ProviderError. */
export interface Provider {
  /** "openai" | "anthropic" */
  readonly kind: string;
  complete(req: CompletionRequest, signal?: AbortSignal): Promise<ProviderReply>;
}

export interface ProviderOptions {
  apiKey?: string;
  baseURL?: string;
  /** Sent with every request (the SDKs' defaultHeaders). */
  headers?: Record<string, string>;
  /** Azure OpenAI: `baseURL` is the resource endpoint, the model is the deployment, and this is the api-version. */
  azureApiVersion?: string;
  /** Per-call timeout in ms. */
  timeoutMs: number;
}
