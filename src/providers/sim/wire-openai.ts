/**
 * OpenAI chat-completions wire format (what openai-node v6 sends to `POST {baseURL}/chat/completions`
 * and expects back), reduced to and rebuilt from a SimRequest / SimReply.
 */
import type { SimReply, SimRequest } from "./world.js";
import { type Json, isObj, contentText } from "./json.js";

/** Body -> SimRequest, or the message of a 400 invalid_request_error. */
export function readOpenAIRequest(body: unknown): SimRequest | string {
  if (!isObj(body)) return "The request body must be a JSON object.";
  if (typeof body.model !== "string" || !body.model) return "you must provide a model parameter";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "'messages' must be a non-empty array.";
  const system: string[] = [];
  const turns: SimRequest["turns"] = [];
  for (const m of body.messages) {
    if (!isObj(m) || typeof m.role !== "string") return "Each message needs a 'role'.";
    const text = contentText(m.content);
    if (m.role === "system" || m.role === "developer") system.push(text);
    else if (m.role === "user" || m.role === "assistant") turns.push({ role: m.role, text });
  }
  const top = body.top_logprobs;
  if (top != null && (typeof top !== "number" || !Number.isInteger(top) || top < 0 || top > 20)) {
    return "'top_logprobs' must be an integer between 0 and 20.";
  }
  if (top != null && body.logprobs !== true) return "logprobs must be set to true in order to use top_logprobs.";
  const max = body.max_completion_tokens ?? body.max_tokens;
  return {
    model: body.model,
    system: system.join("\n"),
    turns,
    maxTokens: typeof max === "number" ? max : null,
    topLogprobs: body.logprobs === true ? ((top as number | undefined) ?? 0) : null,
    n: typeof body.n === "number" && body.n >= 1 ? Math.floor(body.n) : 1,
    ...(typeof body.reasoning_effort === "string" ? { reasoningEffort: body.reasoning_effort } : {}),
  };
}

const REASONING_EFFORTS = ["minimal", "low", "medium", "high"];

/**
 * What OpenAI's reasoning models (o-series, gpt-5.x) reject, with the bodies they send: the
 * request as a classic model takes it is a 400 on its first differing parameter.
 */
export function strictOpenAIProblem(body: Record<string, unknown>): Json | null {
  const unsupported = (param: string, extra = "") => openaiError(`Unsupported parameter: '${param}' is not supported with this model.${extra}`, "invalid_request_error", "unsupported_parameter", param);
  const onlyDefault = (param: string) =>
    openaiError(`Unsupported value: '${param}' does not support ${JSON.stringify(body[param])} with this model. Only the default (1) value is supported.`, "invalid_request_error", "unsupported_value", param);
  if (body.max_tokens !== undefined) return unsupported("max_tokens", " Use 'max_completion_tokens' instead.");
  if (body.temperature != null && body.temperature !== 1) return onlyDefault("temperature");
  if (body.top_p != null && body.top_p !== 1) return onlyDefault("top_p");
  if (body.logprobs != null && body.logprobs !== false) return unsupported("logprobs");
  if (body.top_logprobs != null) return unsupported("top_logprobs");
  const effort = body.reasoning_effort;
  if (effort != null && !REASONING_EFFORTS.includes(String(effort))) {
    return openaiError(
      `Unsupported value: 'reasoning_effort' does not support ${JSON.stringify(effort)} with this model. Supported values are: 'minimal', 'low', 'medium', and 'high'.`,
      "invalid_request_error",
      "unsupported_value",
      "reasoning_effort",
    );
  }
  return null;
}

/** The 400 for a prompt (plus the allowance asked for) longer than the model's context window. */
export function contextLengthExceeded(limit: number, promptTokens: number, maxTokens: number | null): Json {
  const message =
    maxTokens == null || promptTokens > limit
      ? `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`
      : `This model's maximum context length is ${limit} tokens. However, you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`;
  return openaiError(message, "invalid_request_error", "context_length_exceeded", "messages");
}

const bytes = (t: string): number[] => [...Buffer.from(t, "utf8")];

export function openaiCompletion(reply: SimReply, model: string, id: string): Json {
  return {
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: reply.choices.map((c, index) => ({
      index,
      message: { role: "assistant", content: c.text, refusal: null, annotations: [] },
      logprobs:
        c.logprobs == null
          ? null
          : {
              content: c.logprobs.map((t) => ({
                token: t.token,
                logprob: t.logprob,
                bytes: bytes(t.token),
                top_logprobs: t.top.map((a) => ({ token: a.token, logprob: a.logprob, bytes: bytes(a.token) })),
              })),
              refusal: null,
            },
      finish_reason: c.finish,
    })),
    usage: {
      prompt_tokens: reply.promptTokens,
      completion_tokens: reply.completionTokens,
      total_tokens: reply.promptTokens + reply.completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reply.reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: "default",
    system_fingerprint: "fp_simulated",
  };
}

/**
 * The same reply as `chat.completion.chunk` events, as OpenAI streams it: a first chunk with the
 * role, the text in pieces of a few words, a chunk with the finish reason, and with
 * `stream_options.include_usage` a last chunk with no choices and the usage.
 */
export function openaiChunks(reply: SimReply, model: string, id: string, usage: boolean): Json[] {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: Json[], extra: Record<string, Json> = {}): Json => ({ id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_simulated", choices, ...extra });
  const c = reply.choices[0]!;
  const pieces = c.text.match(/\S+\s*/g) ?? [];
  const out: Json[] = [chunk([{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }])];
  for (let i = 0; i < pieces.length; i += 3) out.push(chunk([{ index: 0, delta: { content: pieces.slice(i, i + 3).join("") }, logprobs: null, finish_reason: null }]));
  out.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: c.finish }]));
  if (usage) out.push(chunk([], { usage: { prompt_tokens: reply.promptTokens, completion_tokens: reply.completionTokens, total_tokens: reply.promptTokens + reply.completionTokens } }));
  return out;
}

/** OpenAI's error envelope: `{error: {message, type, param, code}}`; the SDK reads `error`. */
export function openaiError(message: string, type: string, code: string | null, param: string | null = null): Json {
  return { error: { message, type, param, code } };
}

export const OPENAI_ERRORS = {
  badRequest: (msg: string) => openaiError(msg, "invalid_request_error", null),
  notFoundModel: (model: string) =>
    openaiError(`The model \`${model}\` does not exist or you do not have access to it. (simulated)`, "invalid_request_error", "model_not_found"),
  notFoundRoute: (path: string) => openaiError(`Unknown request URL: ${path}. (simulated)`, "invalid_request_error", "unknown_url"),
  rateLimited: () => openaiError("Rate limit reached for requests (simulated). Please try again later.", "requests", "rate_limit_exceeded"),
  server: () => openaiError("The server had an error while processing your request (simulated).", "server_error", null),
  overloaded: () => openaiError("The engine is currently overloaded, please try again later (simulated).", "server_error", null),
};
