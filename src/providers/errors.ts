import { ProviderError } from "../errors.js";

interface SdkApiErrorLike {
  status?: number;
  headers?: Headers;
  message: string;
  name: string;
  /** openai-node: `code`, `param`, `type` from the body's `error`; both SDKs: the parsed body as `error`. */
  code?: unknown;
  param?: unknown;
  type?: unknown;
  error?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/**
 * The API's error fields. OpenAI-style bodies are `{error: {message, type, param, code}}` (the
 * OpenAI SDK exposes that inner object as `error`); Anthropic's are `{type: "error", error: {type,
 * message}}` (its SDK exposes the whole body). Gateways mix the two, so both are read.
 */
export function apiErrorFields(e: SdkApiErrorLike): { apiCode?: string; param?: string; errorType?: string } {
  const body = (e.error && typeof e.error === "object" ? e.error : {}) as Record<string, unknown>;
  const inner = (body.error && typeof body.error === "object" ? body.error : body) as Record<string, unknown>;
  const code = str(e.code) ?? str(inner.code) ?? (typeof inner.code === "number" ? String(inner.code) : undefined);
  return { apiCode: code, param: str(e.param) ?? str(inner.param), errorType: str(inner.type) ?? str(e.type) };
}

/** Read `retry-after-ms`, then `retry-after` (seconds or an HTTP date), as the SDKs do. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get("retry-after");
  if (raw == null) return undefined;
  const secs = Number.parseFloat(raw);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** The SDK's own connection error classes: `name` is plain "Error" on them, so only instanceof tells them apart. */
export interface SdkErrorClasses {
  // biome-ignore lint/suspicious/noExplicitAny: SDK error constructors have differing signatures
  APIConnectionError: abstract new (...args: any[]) => Error;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  APIConnectionTimeoutError: abstract new (...args: any[]) => Error;
}

/**
 * Replace each secret in `text` by `***`. Some servers quote the key they were sent in a 401
 * body; that text ends up in the journal, judgments.csv and the terminal, so it is scrubbed here.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 8) out = out.split(s).join("***");
  return out;
}

/**
 * SDK error -> ProviderError. Both official SDKs share the same error class shapes
 * (APIError with status and headers; APIConnectionTimeoutError; APIConnectionError).
 * The message never includes request headers, so API keys cannot leak through it.
 */
export function toProviderError(e: unknown, provider: string, sdk: SdkErrorClasses, secrets: readonly (string | undefined)[] = []): ProviderError {
  const err = e as SdkApiErrorLike;
  const text = (s: string) => redact(s, secrets).slice(0, 300);
  if (e instanceof sdk.APIConnectionTimeoutError) return new ProviderError(`${provider}: request timed out`, { kind: "timeout", cause: e });
  if (e instanceof sdk.APIConnectionError) {
    const code = (e as { cause?: { code?: string; cause?: { code?: string } } }).cause;
    const detail = code?.code ?? code?.cause?.code;
    return new ProviderError(`${provider}: connection failed${detail ? ` (${detail})` : ""}`, { kind: "network", code: detail, cause: e });
  }
  if (typeof err?.status === "number") {
    return new ProviderError(`${provider}: HTTP ${err.status}: ${text(err.message)}`, {
      kind: "http",
      status: err.status,
      retryAfterMs: retryAfterMs(err.headers),
      ...apiErrorFields(err),
      cause: e,
    });
  }
  // Truncated or non-JSON bodies surface as SyntaxError or similar from the SDK.
  return new ProviderError(`${provider}: bad response: ${text(String(err?.message ?? e))}`, { kind: "bad_response", cause: e });
}
