/**
 * Typed errors. User errors (bad input, bad config) exit 2 and print without a stack;
 * anything that is not a CriticError is a bug and keeps its stack (exit 3).
 */
export class CriticError extends Error {
  readonly exitCode: number = 3;
}

export interface Location {
  file: string;
  line?: number;
  field?: string;
}

function where(loc: Location): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.field) s += `: ${loc.field}`;
  return s;
}

/** Bad input data: a dataset, label file, rubric or journal that cannot be read. Exit 2. */
export class InputError extends CriticError {
  override readonly exitCode = 2;
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
  constructor(loc: Location, message: string) {
    super(`${where(loc)}: ${message}`);
    this.name = "InputError";
    this.file = loc.file;
    this.line = loc.line;
    this.field = loc.field;
  }
}

/** Bad configuration or flags. Exit 2. */
export class ConfigError extends CriticError {
  override readonly exitCode = 2;
  readonly file?: string;
  readonly field?: string;
  constructor(message: string, loc?: { file?: string; field?: string }) {
    const prefix = [loc?.file, loc?.field].filter(Boolean).join(": ");
    super(prefix ? `${prefix}: ${message}` : message);
    this.name = "ConfigError";
    this.file = loc?.file;
    this.field = loc?.field;
  }
}

/** A provider call failed. `status` is the HTTP status (undefined for network errors and timeouts). */
export class ProviderError extends CriticError {
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** `length`: the reply was cut at its token allowance before any answer, even after a larger one. */
  readonly kind: "http" | "timeout" | "network" | "bad_response" | "length";
  /** A network failure's system or TLS code: ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ... */
  readonly code?: string;
  /** The API's own error fields, when the body had them: `context_length_exceeded`, `unsupported_parameter`, ... */
  readonly apiCode?: string;
  /** The request parameter the API blamed (`max_tokens`, `temperature`, `messages`). */
  readonly param?: string;
  /** The API's error type: `invalid_request_error`, `overloaded_error`, ... */
  readonly errorType?: string;
  constructor(
    message: string,
    opts: { status?: number; retryAfterMs?: number; kind: ProviderError["kind"]; code?: string; apiCode?: string; param?: string; errorType?: string; cause?: unknown },
  ) {
    super(message, { cause: opts.cause });
    this.name = "ProviderError";
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.kind = opts.kind;
    this.code = opts.code;
    this.apiCode = opts.apiCode;
    this.param = opts.param;
    this.errorType = opts.errorType;
  }
}

/**
 * CRITIC_REPLAY=1 and a request is not in the response cache. Exit 2: the committed cache
 * does not match the suite, which no retry can fix, so the whole run stops on the first one.
 */
export class CacheMissError extends CriticError {
  override readonly exitCode = 2;
  constructor(readonly target: string) {
    super(
      `cache miss in replay mode (CRITIC_REPLAY=1): no cached response for ${target}. Replay needs every request in the response cache; run the suite once without CRITIC_REPLAY to record it (and commit .critic/cache for CI), or check that the suite has not changed since.`,
    );
    this.name = "CacheMissError";
  }
}

/** Thrown inside the runner when a budget cap is reached; the run stops cleanly. */
export class BudgetExhausted extends CriticError {
  override readonly exitCode = 0;
  constructor(readonly which: string) {
    super(`budget reached: ${which}`);
    this.name = "BudgetExhausted";
  }
}

/** Format a zod-style issue path as a field name: `critics[1].model`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let s = "";
  for (const p of path) {
    if (typeof p === "number") s += `[${p}]`;
    else s += s ? `.${String(p)}` : String(p);
  }
  return s;
}
