import type { ProviderError } from "../errors.js";
import type { CompletionRequest } from "./provider.js";

/**
 * What each model family accepts in a chat request, and what a critic needs from it. The hosted
 * APIs differ by family: OpenAI's reasoning models (o-series, gpt-5.x) take
 * `max_completion_tokens`, reject a temperature other than 1 and any logprobs, and spend hidden
 * reasoning tokens out of the allowance before the answer. Servers that only speak the older
 * shape (vLLM, Ollama, llama.cpp's server, LiteLLM in front of anything) all take `max_tokens`, so
 * a model this table does not know is sent the classic shape; a 400 saying otherwise is learned
 * from once (see ShapeBook).
 */
export type TokenParam = "max_tokens" | "max_completion_tokens";

export interface ModelFamily {
  family: string;
  api: "openai" | "anthropic";
  /** Tested on the model name with any `vendor/` prefix (LiteLLM, OpenRouter) removed. */
  match: RegExp;
  tokenParam: TokenParam;
  /** Whether a temperature other than the default is accepted. */
  temperature: boolean;
  /** Whether top logprobs come back (the probability-weighted score needs them). */
  logprobs: boolean;
  /** `reasoning_effort` sent by default; null = not sent. */
  reasoningEffort: string | null;
  /** Room a critic gets for its one-number answer (hidden reasoning included). */
  criticMaxTokens: number;
  /** Room a candidate gets by default. */
  candidateMaxTokens: number;
  /** Replies may start with a `<think>...</think>` block (open-weights reasoning models). */
  thinkTags?: boolean;
}

/** First match wins. Kept in step with the README table "Models and endpoints". */
export const MODEL_FAMILIES: readonly ModelFamily[] = [
  // gpt-5-chat-latest is the non-reasoning chat model of the gpt-5 line: new token parameter, no logprobs.
  { family: "openai-gpt5-chat", api: "openai", match: /^gpt-5(\.\d+)?-chat/, tokenParam: "max_completion_tokens", temperature: true, logprobs: false, reasoningEffort: null, criticMaxTokens: 16, candidateMaxTokens: 512 },
  { family: "openai-reasoning", api: "openai", match: /^(o\d+(-|$)|gpt-5)/, tokenParam: "max_completion_tokens", temperature: false, logprobs: false, reasoningEffort: "low", criticMaxTokens: 2048, candidateMaxTokens: 8192 },
  { family: "openai-classic", api: "openai", match: /^(gpt-4|gpt-3\.5|chatgpt-4o)/, tokenParam: "max_tokens", temperature: true, logprobs: true, reasoningEffort: null, criticMaxTokens: 16, candidateMaxTokens: 512 },
  // gpt-oss takes reasoning_effort on vLLM and Ollama; the others reason at a fixed depth.
  { family: "open-reasoning-effort", api: "openai", match: /^gpt-oss/i, tokenParam: "max_tokens", temperature: true, logprobs: false, reasoningEffort: "low", criticMaxTokens: 2048, candidateMaxTokens: 8192, thinkTags: true },
  { family: "open-reasoning", api: "openai", match: /(deepseek-r1|r1-distill|qwq|qwen3|magistral|phi-4-(mini-)?reasoning|exaone-deep)/i, tokenParam: "max_tokens", temperature: true, logprobs: false, reasoningEffort: null, criticMaxTokens: 4096, candidateMaxTokens: 8192, thinkTags: true },
  // This SDK major takes no temperature; extended thinking is off unless asked for in extraBody.
  { family: "anthropic", api: "anthropic", match: /./, tokenParam: "max_tokens", temperature: false, logprobs: false, reasoningEffort: null, criticMaxTokens: 16, candidateMaxTokens: 512 },
  { family: "openai-compatible", api: "openai", match: /./, tokenParam: "max_tokens", temperature: true, logprobs: true, reasoningEffort: null, criticMaxTokens: 16, candidateMaxTokens: 512 },
];

export function familyOf(api: "openai" | "anthropic", model: string): ModelFamily {
  const name = model.slice(model.lastIndexOf("/") + 1);
  return MODEL_FAMILIES.find((f) => f.api === api && f.match.test(name))!;
}

/** What the config can say about one critic's or candidate's requests. */
export interface ShapeOverrides {
  maxTokens?: number;
  /** null: never send a temperature. */
  temperature?: number | null;
  /** null: never send reasoning_effort. */
  reasoningEffort?: string | null;
  extraBody?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The request shape of one critic or candidate, family defaults under the config's overrides. */
export interface RequestShape {
  family: string;
  tokenParam: TokenParam;
  maxTokens: number;
  temperature: number | null;
  reasoningEffort: string | null;
  /** The family returns logprobs. */
  logprobs: boolean;
  thinkTags: boolean;
  extraBody?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function resolveShape(api: "openai" | "anthropic", model: string, role: "critic" | "candidate", o: ShapeOverrides = {}, defaultTemperature = 0): RequestShape {
  const f = familyOf(api, model);
  return {
    family: f.family,
    tokenParam: f.tokenParam,
    maxTokens: o.maxTokens ?? (role === "critic" ? f.criticMaxTokens : f.candidateMaxTokens),
    temperature: o.temperature !== undefined ? o.temperature : f.temperature ? defaultTemperature : null,
    reasoningEffort: o.reasoningEffort !== undefined ? o.reasoningEffort : f.reasoningEffort,
    logprobs: f.logprobs,
    thinkTags: f.thinkTags ?? false,
    ...(o.extraBody ? { extraBody: o.extraBody } : {}),
    ...(o.headers ? { headers: o.headers } : {}),
  };
}

/** The request fields a shape sets. */
export function shapeFields(s: RequestShape): Pick<CompletionRequest, "maxTokens" | "temperature" | "tokenParam" | "reasoningEffort" | "extraBody" | "headers"> {
  return {
    maxTokens: s.maxTokens,
    temperature: s.temperature,
    tokenParam: s.tokenParam,
    ...(s.reasoningEffort ? { reasoningEffort: s.reasoningEffort } : {}),
    ...(s.extraBody ? { extraBody: s.extraBody } : {}),
    ...(s.headers ? { headers: s.headers } : {}),
  };
}

/** A change to one model's requests learned from the server during a run; journaled, so a resume starts with it. */
export interface Adaptation {
  provider: string;
  model: string;
  change: "max_completion_tokens" | "max_tokens" | "drop_temperature" | "drop_logprobs" | "drop_reasoning_effort" | "allowance";
  /** The new allowance, for `allowance`. */
  tokens?: number;
  /** The server's words (or, for `allowance`, what happened). */
  message: string;
}

interface Learned {
  tokenParam?: TokenParam;
  dropTemperature?: boolean;
  dropLogprobs?: boolean;
  dropReasoningEffort?: boolean;
  minMaxTokens?: number;
}

/** `Unsupported parameter: 'max_tokens' ...`, `Unsupported value: 'temperature' ...`, LiteLLM's `does not support parameters: ['logprobs']`. */
const UNSUPPORTED_MESSAGE = /Unsupported (?:parameter|value): '([\w.]+)'|does not support parameters: \[\s*'([\w.]+)'/;

/** Which parameter an unsupported_parameter / unsupported_value 400 names; undefined for any other error. */
export function unsupportedParam(e: ProviderError): string | undefined {
  if (e.status !== 400 && e.status !== 422) return undefined;
  const m = UNSUPPORTED_MESSAGE.exec(e.message);
  const byCode = e.apiCode === "unsupported_parameter" || e.apiCode === "unsupported_value";
  if (!byCode && !m) return undefined;
  return e.param ?? m?.[1] ?? m?.[2];
}

/** The change that stops the server rejecting `param`, when the request sent it and critic can drop or rename it. */
function changeFor(param: string, req: CompletionRequest): Adaptation["change"] | null {
  const sent = req.tokenParam ?? "max_tokens";
  if (param === "max_tokens" || param === "max_completion_tokens") return param === sent ? (sent === "max_tokens" ? "max_completion_tokens" : "max_tokens") : null;
  if (param === "temperature") return req.temperature != null ? "drop_temperature" : null;
  if (param === "logprobs" || param === "top_logprobs") return req.topLogprobs ? "drop_logprobs" : null;
  if (param === "reasoning_effort" || param === "reasoning.effort") return req.reasoningEffort ? "drop_reasoning_effort" : null;
  return null;
}

/** Allowance for the one retry after an empty reply cut at the limit: reasoning needs room. */
export function largerAllowance(tokens: number): number {
  return Math.max(4 * tokens, 4096);
}

/**
 * The request shapes learned during a run, per provider and model. `apply` puts what has been
 * learned on a request; `learn` turns an unsupported_parameter / unsupported_value 400 into the
 * change that avoids it. Each change is made once per model, and reported once by the caller.
 */
export class ShapeBook {
  private readonly learned = new Map<string, Learned>();

  constructor(known: readonly Adaptation[] = []) {
    for (const a of known) this.record(a);
  }

  private key(provider: string, model: string): string {
    return `${provider}\u0000${model}`;
  }

  private record(a: Adaptation): void {
    const k = this.key(a.provider, a.model);
    const l = this.learned.get(k) ?? {};
    if (a.change === "max_completion_tokens" || a.change === "max_tokens") l.tokenParam = a.change;
    else if (a.change === "drop_temperature") l.dropTemperature = true;
    else if (a.change === "drop_logprobs") l.dropLogprobs = true;
    else if (a.change === "drop_reasoning_effort") l.dropReasoningEffort = true;
    else if (a.tokens) l.minMaxTokens = Math.max(l.minMaxTokens ?? 0, a.tokens);
    this.learned.set(k, l);
  }

  apply(provider: string, req: CompletionRequest): CompletionRequest {
    const l = this.learned.get(this.key(provider, req.model));
    if (!l) return req;
    const out: CompletionRequest = { ...req };
    if (l.tokenParam) out.tokenParam = l.tokenParam;
    if (l.dropTemperature) out.temperature = null;
    if (l.dropLogprobs) delete out.topLogprobs;
    if (l.dropReasoningEffort) delete out.reasoningEffort;
    if (l.minMaxTokens && l.minMaxTokens > out.maxTokens) out.maxTokens = l.minMaxTokens;
    return out;
  }

  /**
   * The change a 400 calls for: a new Adaptation (recorded here), "known" when an earlier reply
   * already taught it (a request built before that: send it again), or null when the error is not
   * one critic can work around by renaming or dropping a parameter.
   */
  learn(provider: string, req: CompletionRequest, e: ProviderError): Adaptation | "known" | null {
    const param = unsupportedParam(e);
    const change = param ? changeFor(param, req) : null;
    if (!change) return null;
    const l = this.learned.get(this.key(provider, req.model)) ?? {};
    const known =
      change === "drop_temperature" ? l.dropTemperature : change === "drop_logprobs" ? l.dropLogprobs : change === "drop_reasoning_effort" ? l.dropReasoningEffort : l.tokenParam === change;
    if (known) return "known";
    const a: Adaptation = { provider, model: req.model, change, message: e.message.slice(0, 300) };
    this.record(a);
    return a;
  }

  /** After an empty reply cut at the limit: every later request to this model gets at least `tokens`. */
  raiseAllowance(provider: string, model: string, tokens: number, message: string): Adaptation | null {
    const l = this.learned.get(this.key(provider, model));
    if ((l?.minMaxTokens ?? 0) >= tokens) return null;
    const a: Adaptation = { provider, model, change: "allowance", tokens, message };
    this.record(a);
    return a;
  }
}

/** One line for the screen and the report. */
export function describeAdaptation(a: Adaptation): string {
  const what = {
    max_completion_tokens: "sends max_completion_tokens instead of max_tokens",
    max_tokens: "sends max_tokens instead of max_completion_tokens",
    drop_temperature: "no longer sends a temperature (the model's default is used)",
    drop_logprobs: "no longer asks for logprobs (its probability-weighted score is unavailable)",
    drop_reasoning_effort: "no longer sends reasoning_effort (the model's default effort is used)",
    allowance: `gives it ${a.tokens} tokens to answer`,
  }[a.change];
  return `${a.provider}:${a.model}: critic ${what} for the rest of the run; the server said: ${a.message}`;
}
