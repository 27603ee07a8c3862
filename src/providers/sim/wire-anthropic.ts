/**
 * Anthropic Messages wire format (what @anthropic-ai/sdk sends to `POST {baseURL}/v1/messages` and
 * expects back), reduced to and rebuilt from a SimRequest / SimReply.
 */
import type { SimReply, SimRequest } from "./world.js";
import { type Json, isObj, contentText } from "./json.js";

/** Body -> SimRequest, or the message of a 400 invalid_request_error. */
export function readAnthropicRequest(body: unknown): SimRequest | string {
  if (!isObj(body)) return "The request body must be a JSON object.";
  if (typeof body.model !== "string" || !body.model) return "model: Field required";
  if (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return "max_tokens: Field required (a positive integer)";
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages: at least one message is required";
  const turns: SimRequest["turns"] = [];
  for (const m of body.messages) {
    if (!isObj(m) || (m.role !== "user" && m.role !== "assistant")) return "messages: each role must be 'user' or 'assistant'";
    turns.push({ role: m.role, text: contentText(m.content) });
  }
  return { model: body.model, system: contentText(body.system), turns, maxTokens: body.max_tokens, topLogprobs: null, n: 1 };
}

export function anthropicMessage(reply: SimReply, model: string, id: string): Json {
  const c = reply.choices[0]!;
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: c.text, citations: null }],
    stop_reason: c.finish === "length" ? "max_tokens" : "end_turn",
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: {
      input_tokens: reply.promptTokens,
      output_tokens: reply.completionTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      server_tool_use: null,
      service_tier: "standard",
    },
  };
}

/**
 * The same reply as a Messages stream, event by event as the API sends it: `message_start` (the
 * message with empty content, the input tokens and output_tokens 1), `content_block_start`, a `ping`,
 * `text_delta`s of a few words, `content_block_stop`, `message_delta` (stop reason and the
 * cumulative output_tokens), `message_stop`.
 */
export function anthropicEvents(reply: SimReply, model: string, id: string): Json[] {
  const { stop_reason, usage, ...message } = anthropicMessage(reply, model, id) as Json & { usage: Json };
  const text = reply.choices[0]!.text;
  // Leading whitespace rides with the first piece, so the deltas join back to the whole text.
  const pieces = text.match(/\s*\S+\s*/g) ?? [];
  const deltas: Json[] = [];
  for (let i = 0; i < pieces.length; i += 3) deltas.push({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: pieces.slice(i, i + 3).join("") } });
  return [
    { type: "message_start", message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "ping" },
    ...deltas,
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: stop_reason ?? null, stop_sequence: null }, usage: { output_tokens: reply.completionTokens } },
    { type: "message_stop" },
  ];
}

/** Anthropic's error envelope: `{type: "error", error: {type, message}, request_id}`. */
export function anthropicError(type: string, message: string, requestId: string): Json {
  return { type: "error", error: { type, message }, request_id: requestId };
}

export const ANTHROPIC_ERRORS = {
  badRequest: (msg: string, id: string) => anthropicError("invalid_request_error", msg, id),
  notFoundModel: (model: string, id: string) => anthropicError("not_found_error", `model: ${model} (simulated)`, id),
  notFoundRoute: (path: string, id: string) => anthropicError("not_found_error", `Not found: ${path} (simulated)`, id),
  rateLimited: (id: string) => anthropicError("rate_limit_error", "Number of requests has exceeded your rate limit (simulated).", id),
  server: (id: string) => anthropicError("api_error", "Internal server error (simulated).", id),
  /** HTTP 529: the API is overloaded across all users (retryable). */
  overloaded: (id: string) => anthropicError("overloaded_error", "Overloaded", id),
  contextTooLong: (promptTokens: number, limit: number, id: string) => anthropicError("invalid_request_error", `prompt is too long: ${promptTokens} tokens > ${limit} maximum`, id),
};
