import { ConfigError, ProviderError } from "../errors.js";
import type { HttpCandidateTarget } from "../config/load.js";
import { redact, retryAfterMs } from "../providers/errors.js";
import type { Generation } from "../run-result.js";
import type { ResponseCache } from "../store/cache.js";
import { Limiter } from "../runner/limiter.js";
import { type RetryPolicy, withRetry } from "../runner/retry.js";
import type { RunEventListener } from "../runner/events.js";
import { cacheKeyOf } from "./cache-key.js";
import { DeadlineExceeded, withDeadline } from "./deadline.js";
import { failedTask } from "./task.js";
import type { TaskRow } from "./types.js";

/** A reply's value at a dotted path: `choices.0.message.content`, `answer.text`. */
export function valueAt(v: unknown, path: string): unknown {
  let cur = v;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const PLACEHOLDER = /\{\{\s*([\w:.-]+)\s*\}\}/g;

/** A row's value as the body carries it: text as is, anything else (a conversation) as JSON. */
function columnText(row: TaskRow, name: string): string {
  const v = row[name];
  if (v == null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * The request body: the template with each {{column}} replaced by the row's value, JSON-escaped.
 * In an object template a string that is exactly one placeholder takes the value itself (so
 * `"messages": "{{messages}}"` sends the conversation as a list); a string template is JSON text
 * whose placeholders sit inside quotes, so each value is escaped and the result still parses.
 */
export function renderBody(template: unknown, row: TaskRow): string {
  if (template === undefined) return JSON.stringify({ input: row.input });
  if (typeof template === "string") return template.replace(PLACEHOLDER, (_, name: string) => JSON.stringify(columnText(row, name)).slice(1, -1));
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      const whole = /^\{\{\s*([\w:.-]+)\s*\}\}$/.exec(v);
      if (whole) return row[whole[1]!] ?? null;
      return v.replace(PLACEHOLDER, (_, name: string) => columnText(row, name));
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return JSON.stringify(walk(template));
}

interface ServiceReply {
  output: string;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number;
  firstTokenMs: number | null;
  tokensPerSecond: number | null;
}

const asCount = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** Where a streamed event's text is: the output path, or its `delta` twin (`choices.0.message.content` -> `choices.0.delta.content`). */
function eventText(event: unknown, path: string): string {
  const v = valueAt(event, path) ?? valueAt(event, path.replace(/(^|\.)message(\.|$)/, "$1delta$2"));
  return typeof v === "string" ? v : "";
}

/** Read a server-sent-events reply as it arrives: the first piece of text is the first token. */
async function readEvents(res: Response, t: HttpCandidateTarget, started: number): Promise<Omit<ServiceReply, "latencyMs">> {
  let text = "";
  let firstTokenMs: number | null = null;
  let pieces = 0;
  let usage: unknown = null;
  let buffer = "";
  const decoder = new TextDecoder();
  const take = (block: string) => {
    const data = block
      .split("\n")
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart())
      .join("\n");
    if (!data || data === "[DONE]") return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      event = data; // a plain-text event is itself a piece of the answer
    }
    const piece = typeof event === "string" ? event : eventText(event, t.output);
    if (piece) {
      firstTokenMs ??= performance.now() - started;
      pieces++;
      text += piece;
    }
    if (t.outputTokens && valueAt(event, t.outputTokens) !== undefined) usage = event;
  };
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, "\n");
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      take(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
    }
  }
  if (buffer.trim()) take(buffer);
  const total = performance.now() - started;
  const outputTokens = usage && t.outputTokens ? asCount(valueAt(usage, t.outputTokens)) : null;
  const streamed = firstTokenMs === null ? null : total - firstTokenMs;
  // Tokens per second after the first: the service's count when it reports one, else the pieces received.
  const tokensPerSecond = streamed && streamed > 0 ? ((outputTokens ?? pieces) - 1) / (streamed / 1000) : null;
  return { output: text, inputTokens: usage && t.inputTokens ? asCount(valueAt(usage, t.inputTokens)) : null, outputTokens, firstTokenMs, tokensPerSecond };
}

/** 401, 403 and 404 say the URL or the credentials are wrong: every row would fail the same way. */
const CONFIG_STATUSES = [401, 403, 404, 405];

async function callService(t: HttpCandidateTarget, body: string, signal: AbortSignal): Promise<ServiceReply> {
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(t.url, {
      method: t.method,
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...t.headers },
      body: t.method === "GET" ? undefined : body,
      signal,
    });
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new ProviderError(`${t.id}: connection failed${cause?.code ? ` (${cause.code})` : ""}`, { kind: "network", code: cause?.code, cause: e });
  }
  if (!res.ok) {
    const text = redact((await res.text().catch(() => "")).slice(0, 300), t.secrets);
    const message = `${t.id}: HTTP ${res.status}${text ? `: ${text}` : ""}`;
    if (CONFIG_STATUSES.includes(res.status)) throw new ConfigError(`${message} (check the url, method and headers of the http candidate)`);
    throw new ProviderError(message, { kind: "http", status: res.status, retryAfterMs: retryAfterMs(res.headers) });
  }
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const r = await readEvents(res, t, started);
    return { ...r, latencyMs: performance.now() - started };
  }
  const raw = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ProviderError(`${t.id}: the reply is not JSON: ${redact(raw.slice(0, 120), t.secrets)}`, { kind: "bad_response" });
  }
  const output = valueAt(json, t.output);
  if (typeof output !== "string") {
    // Not retried: the same request gets the same shape of reply.
    throw Object.assign(new Error(`the reply has no text at "${t.output}" (reply: ${redact(raw.slice(0, 200), t.secrets)})`), { permanent: true });
  }
  return {
    output,
    inputTokens: t.inputTokens ? asCount(valueAt(json, t.inputTokens)) : null,
    outputTokens: t.outputTokens ? asCount(valueAt(json, t.outputTokens)) : null,
    latencyMs: performance.now() - started,
    firstTokenMs: null,
    tokensPerSecond: null,
  };
}

export interface ServiceRunnerDeps {
  signal: AbortSignal;
  cache: ResponseCache;
  retry: RetryPolicy;
  onEvent?: RunEventListener;
}

/**
 * Calls HTTP candidates with what model calls get: a per-candidate concurrency limit that halves
 * on 429, retries with backoff that honours retry-after, a per-call timeout, and a failed
 * generation (listed with its message) when every retry is spent.
 */
export function createServiceRunner(deps: ServiceRunnerDeps) {
  const limiters = new Map<string, Limiter>();
  let successes = 0;
  let refused = 0;
  return {
    async run(t: HttpCandidateTarget, row: TaskRow): Promise<Generation> {
      const body = renderBody(t.body, row);
      const key = t.cacheVersion === null ? "" : cacheKeyOf("http", t.id, t.cacheVersion, [t.url, t.method, body]);
      if (key) {
        const hit = await deps.cache.get(key);
        if (hit) return { item: row.id, candidate: t.id, output: hit.text, cached: true, attempts: 0, latencyMs: null, inputTokens: hit.inputTokens, outputTokens: hit.outputTokens, costUsd: 0, failed: null };
      }
      let limiter = limiters.get(t.id);
      if (!limiter) {
        limiter = new Limiter(t.concurrency);
        limiters.set(t.id, limiter);
      }
      const l = limiter;
      try {
        const { value, attempts } = await withRetry(
          () =>
            l.run(async () => {
              try {
                const r = await withDeadline(t.timeoutMs, deps.signal, (d) => callService(t, body, d.signal), `${t.id}: no reply within ${t.timeoutMs} ms`);
                l.succeeded();
                successes++;
                return r;
              } catch (e) {
                if (e instanceof DeadlineExceeded) throw new ProviderError(e.message, { kind: "timeout" });
                if (e instanceof ProviderError && e.status === 429) l.rateLimited();
                // A service that is down fails every row: stop the run after a few refusals instead of failing thousands.
                if (e instanceof ProviderError && e.kind === "network" && successes === 0 && ++refused >= 3) {
                  throw new ConfigError(`${t.id}: cannot reach ${t.url} (${e.message}); check the url and that the service is running`);
                }
                throw e;
              }
            }),
          deps.retry,
          { signal: deps.signal, onRetry: (e, attempt, delayMs) => deps.onEvent?.({ type: "retried", target: t.id, attempt, delayMs, reason: e instanceof Error ? e.message : String(e) }) },
        );
        if (key) await deps.cache.set(key, { text: value.output, inputTokens: value.inputTokens, outputTokens: value.outputTokens, latencyMs: value.latencyMs });
        return {
          item: row.id,
          candidate: t.id,
          output: value.output,
          cached: false,
          attempts,
          latencyMs: value.latencyMs,
          inputTokens: value.inputTokens,
          outputTokens: value.outputTokens,
          costUsd: null,
          failed: null,
          ...(value.firstTokenMs !== null ? { firstTokenMs: value.firstTokenMs, tokensPerSecond: value.tokensPerSecond } : {}),
        };
      } catch (e) {
        if (deps.signal.aborted || e instanceof ConfigError) throw e;
        return failedTask(t.id, row.id, e, (e as { attempts?: number }).attempts ?? 1);
      }
    },
  };
}
