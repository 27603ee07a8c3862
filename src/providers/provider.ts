import type { ChatMessage } from "../critic/prompt.js";
import type { TopLogprob } from "../critic/logprobs.js";

export interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  /** Ask for top-k logprobs of each output token (OpenAI-compatible providers only). */
  topLogprobs?: number;
}

export interface ProviderReply {
  text: string;
  /** Top alternatives for the first output token, when the provider returned logprobs. */
  firstTokenTop?: TopLogprob[];
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number;
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
  /** Per-call timeout in ms. */
  timeoutMs: number;
}
