import { CacheMissError, ConfigError, ProviderError } from "../errors.js";
import type { ModelTarget, ProviderKind } from "../config/load.js";
import type { Price } from "../config/schema.js";
import { costUsd, targetPrice } from "../providers/prices.js";
import { type Adaptation, ShapeBook, largerAllowance } from "../providers/shapes.js";
import type { CompletionRequest, Provider, ProviderReply } from "../providers/provider.js";
import type { ResponseCache } from "../store/cache.js";
import { requestKey } from "../store/key.js";
import { type Journal, paidReply } from "../store/journal.js";
import type { Batcher } from "./batcher.js";
import { type Budget, shareOf } from "./budget.js";
import type { RunEventListener } from "./events.js";
import type { Limiter } from "./limiter.js";
import { type RetryPolicy, withRetry } from "./retry.js";

export interface CallResult {
  reply: ProviderReply;
  cached: boolean;
  /** HTTP attempts made (0 on a cache hit). */
  attempts: number;
  costUsd: number | null;
}

export interface CallerDeps {
  providers: Record<ProviderKind, Provider>;
  limiters: Record<ProviderKind, Limiter>;
  cache: ResponseCache;
  budget: Budget;
  retry: RetryPolicy;
  prices: Record<string, Price>;
  signal: AbortSignal;
  onEvent?: RunEventListener;
  /** CRITIC_REPLAY: a cache miss is an error instead of an API call. */
  replay?: boolean;
  /** --batch: calls go through the providers' batch APIs at the batch price. */
  batcher?: Batcher;
  /** The run log: an answer is written to it before its slot frees, and one already in it is never paid for again. */
  journal?: Pick<Journal, "reply" | "log">;
  /**
   * Cache scope per provider name: a named provider's includes its base URL, so one server's
   * answers never replay as another's. The default openai and anthropic keep their bare name, so
   * a committed cache replays against any server of the same model (CRITIC_REPLAY in CI).
   */
  cacheScopes?: Record<string, string>;
  /** Request shapes learned so far (a resumed run starts with its journal's). */
  shapes?: ShapeBook;
  /** A model's request shape changed; said once per change. */
  onAdapt?: (a: Adaptation, target: ModelTarget) => void;
}

/** Attempts that could not connect before any call has succeeded, after which the server is taken to be unreachable. */
const UNREACHABLE_AFTER = 3;

/** Why no call got through, and what to check: a certificate that is not trusted is not a server that is down. */
function unreachable(e: ProviderError): string {
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(e.code ?? "")) {
    return `the server's TLS certificate is not trusted (${e.message}); for a private or self-signed certificate authority, point NODE_EXTRA_CA_CERTS at its certificate file`;
  }
  return `cannot reach the server (${e.message}); check the base URL and that the server is running`;
}

/**
 * A request rejected for what it carries (too long for the context, refused by a content filter,
 * an input the server will not take): that one judgment's or generation's failure, not the run's.
 */
function isRejection(e: unknown): e is ProviderError {
  return e instanceof ProviderError && e.kind === "http" && [400, 413, 422].includes(e.status ?? 0);
}

/**
 * 401, 403 and 404 will not get better by retrying thousands of calls: they become a
 * ConfigError, which stops the run with exit 2 and says what to check.
 */
function asConfigProblem(e: unknown, target: string): unknown {
  if (!(e instanceof ProviderError && e.kind === "http" && [401, 403, 404].includes(e.status ?? 0))) return e;
  const hint = e.status === 404 ? " (check the model name and base URL)" : " (check the API key)";
  return new ConfigError(`${target}: ${e.message}${hint}`);
}

/** The same rejection on this many calls to a model before any succeeded: every call would fail alike. */
export const SAME_REJECTION_LIMIT = 5;

/** Shape changes one call may make before its 400 counts as a plain rejection. */
const MAX_ADAPTATIONS_PER_CALL = 6;

/** A rejection's identity: the API's code and message without numbers (token counts differ row to row). */
function rejectionSignature(e: ProviderError): string {
  return `${e.status}|${e.apiCode ?? ""}|${e.message.replace(/\d+/g, "#")}`;
}

/** Empty reply cut at the allowance, even after the larger one: the request's own outcome, not an abstention. */
function lengthExhausted(target: ModelTarget, req: CompletionRequest, reply: ProviderReply): ProviderError {
  const reasoning = reply.reasoningTokens ? ` (${reply.reasoningTokens} of them hidden reasoning)` : "";
  return new ProviderError(
    `${target.id}: the model used its whole allowance of ${req.maxTokens} tokens${reasoning} without answering; give it more room (maxTokens) or a lower reasoningEffort`,
    { kind: "length" },
  );
}

/** Thrown from the limiter when the model's learned shape changed while the request waited: built again, not sent. */
const RESHAPE = new Error("request shape changed while waiting");

/** A 400 the request's shape caused, and what was learned from it: sent again reshaped, not retried as it was. */
class Reshaped extends Error {
  constructor(
    readonly adaptation: Adaptation | "known",
    readonly error: ProviderError,
  ) {
    super(error.message);
  }
}

function sameShape(a: CompletionRequest, b: CompletionRequest): boolean {
  return a.tokenParam === b.tokenParam && a.temperature === b.temperature && a.topLogprobs === b.topLogprobs && a.reasoningEffort === b.reasoningEffort && a.maxTokens === b.maxTokens;
}

const sumOrNull = (a: number | null | undefined, b: number | null | undefined): number | null => (a == null || b == null ? null : a + b);

/** The path of every model call: shape, cache, budget, limiter, retries, provider, accounting, cache. */
export function createCaller(deps: CallerDeps) {
  const shapes = deps.shapes ?? new ShapeBook();
  // A wrong base URL or a server that is down fails every call: say so after a few attempts instead of retrying thousands.
  let successes = 0;
  let refused = 0;
  // Per model: calls that got through, and the current run of identical rejections.
  const health = new Map<string, { ok: number; signature: string; streak: number }>();
  const healthOf = (target: ModelTarget) => {
    let h = health.get(target.id);
    if (!h) {
      h = { ok: 0, signature: "", streak: 0 };
      health.set(target.id, h);
    }
    return h;
  };

  /** One request as shaped: from the cache, or through the limiter, retries and provider. */
  async function once(target: ModelTarget, req: CompletionRequest, logical: CompletionRequest, callId?: string): Promise<CallResult> {
    // Paid for in an earlier session whose outcome line did not make it to disk: use it, never pay again.
    const variant = String(req.maxTokens);
    const paid = callId && deps.journal ? paidReply(deps.journal.log, callId, variant) : undefined;
    if (paid) return { reply: paid.reply, cached: false, attempts: paid.attempts, costUsd: paid.costUsd };
    // The content address is hashed from the whole prompt: only worth it where something uses it.
    const key = deps.cache.enabled || deps.batcher ? requestKey(deps.cacheScopes?.[target.provider] ?? target.provider, req) : "";
    const hit = await deps.cache.get(key);
    if (hit) return { reply: hit, cached: true, attempts: 0, costUsd: 0 };
    if (deps.replay) throw new CacheMissError(`${target.id} (model ${req.model})`);
    const price = targetPrice(target, deps.prices);
    if (deps.batcher) {
      // Held at the list price: the batch discount shows when it settles.
      const held = await deps.budget.reserve(shareOf(req, price));
      const b = await deps.batcher.request(key, target, req).catch((e: unknown) => {
        held.settle(held.share.tokens, held.share.usd);
        throw e;
      });
      held.settle((b.reply.inputTokens ?? 0) + (b.reply.outputTokens ?? 0), b.costUsd);
      await deps.cache.set(key, b.reply);
      return { reply: b.reply, cached: false, attempts: 1, costUsd: b.costUsd };
    }
    const limiter = deps.limiters[target.provider];
    let spent: number | null = 0;
    const { value, attempts } = await withRetry(
      (attempt) =>
        limiter.run(async () => {
          // While this request waited its turn, another reply may have taught the model's shape: send that instead.
          if (!sameShape(shapes.apply(target.provider, logical), req)) throw RESHAPE;
          // The cap holds at any concurrency: the call's most possible cost is reserved before it goes out.
          const held = await deps.budget.reserve(shareOf(req, price));
          try {
            const reply = await deps.providers[target.provider].complete(req, deps.signal);
            const cost = costUsd(price, reply.inputTokens, reply.outputTokens);
            // A reply without usage figures keeps what it held: the cap cannot assume less.
            const tokens = reply.inputTokens != null && reply.outputTokens != null ? reply.inputTokens + reply.outputTokens : held.share.tokens;
            held.settle(tokens, cost ?? held.share.usd);
            spent = spent == null || cost == null ? null : spent + cost;
            limiter.succeeded();
            successes++;
            // The slot is held until the answer is on disk: unjournaled paid answers never outnumber the slots.
            if (callId && deps.journal) await deps.journal.reply(callId, variant, { reply, attempts: attempt + 1, costUsd: spent });
            return reply;
          } catch (e) {
            // A failed attempt is a call. An HTTP error answer is not billed; a timeout, a dropped
            // connection or an unreadable body may have been, so it keeps its whole share.
            if (e instanceof ProviderError && e.kind === "http") held.settle(0, 0);
            else held.settle(held.share.tokens, held.share.usd);
            // Learned before the limiter's slot is free, so the next request waiting for it already goes out reshaped.
            const learned = e instanceof ProviderError ? shapes.learn(target.provider, req, e) : null;
            if (learned) throw new Reshaped(learned, e as ProviderError);
            if (e instanceof ProviderError && e.status === 429) limiter.rateLimited();
            if (e instanceof ProviderError && e.kind === "network" && successes === 0 && ++refused >= UNREACHABLE_AFTER) {
              throw new ConfigError(`${target.id}: ${unreachable(e)}`);
            }
            throw e;
          }
        }),
      deps.retry,
      {
        signal: deps.signal,
        onRetry: (e, attempt, delayMs) =>
          deps.onEvent?.({ type: "retried", target: target.id, attempt, delayMs, reason: e instanceof Error ? e.message : String(e) }),
      },
    );
    await deps.cache.set(key, value);
    return { reply: value, cached: false, attempts, costUsd: spent };
  }

  /**
   * A logical request: shaped by what this run has learned about the model, adapted once on an
   * unsupported_parameter / unsupported_value 400, given one larger allowance after an empty reply
   * cut at the limit. What every attempt cost is summed into the result.
   */
  /** `callId` names the call's place in the run (judgment key + ask or re-ask): its answers are journaled under it. */
  return async function call(target: ModelTarget, logical: CompletionRequest, callId?: string): Promise<CallResult> {
    const h = healthOf(target);
    let total: CallResult | null = null;
    let adaptations = 0;
    let raised = false;
    for (;;) {
      const req = shapes.apply(target.provider, logical);
      let r: CallResult;
      try {
        r = await once(target, req, logical, callId);
      } catch (thrown) {
        if (thrown === RESHAPE) continue;
        let e = thrown;
        if (e instanceof Reshaped) {
          if (++adaptations <= MAX_ADAPTATIONS_PER_CALL) {
            if (e.adaptation !== "known") deps.onAdapt?.(e.adaptation, target);
            continue;
          }
          e = e.error;
        }
        if (isRejection(e)) {
          const sig = rejectionSignature(e);
          h.streak = h.signature === sig ? h.streak + 1 : 1;
          h.signature = sig;
          if (h.ok === 0 && h.streak >= SAME_REJECTION_LIMIT) {
            throw new ConfigError(`${target.id}: the first ${h.streak} calls were all rejected the same way, so every call would be: ${e.message}`);
          }
        }
        throw asConfigProblem(e, target.id);
      }
      h.ok++;
      h.streak = 0;
      total = total
        ? {
            reply: {
              ...r.reply,
              inputTokens: sumOrNull(total.reply.inputTokens, r.reply.inputTokens),
              outputTokens: sumOrNull(total.reply.outputTokens, r.reply.outputTokens),
              reasoningTokens: sumOrNull(total.reply.reasoningTokens ?? 0, r.reply.reasoningTokens ?? 0),
              latencyMs: total.reply.latencyMs + r.reply.latencyMs,
            },
            cached: total.cached && r.cached,
            attempts: total.attempts + r.attempts,
            costUsd: sumOrNull(total.costUsd, r.costUsd),
          }
        : r;
      const empty = r.reply.finish === "length" && r.reply.text.trim() === "";
      if (!empty) return total;
      if (raised) throw Object.assign(lengthExhausted(target, req, r.reply), { attempts: total.attempts, spent: total });
      raised = true;
      const tokens = largerAllowance(req.maxTokens);
      const a = shapes.raiseAllowance(target.provider, req.model, tokens, `an empty reply cut at ${req.maxTokens} tokens${r.reply.reasoningTokens ? ` (${r.reply.reasoningTokens} of them hidden reasoning)` : ""}`);
      if (a) deps.onAdapt?.(a, target);
      logical = { ...logical, maxTokens: Math.max(logical.maxTokens, tokens) };
    }
  };
}

export type Caller = ReturnType<typeof createCaller>;
