import { CacheMissError, ConfigError, ProviderError } from "../errors.js";
import type { ModelTarget, ProviderKind } from "../config/load.js";
import type { Price } from "../config/schema.js";
import { costUsd, priceFor } from "../providers/prices.js";
import type { CompletionRequest, Provider, ProviderReply } from "../providers/provider.js";
import type { ResponseCache } from "../store/cache.js";
import { requestKey } from "../store/key.js";
import type { Journal } from "../store/journal.js";
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
 * 400, 401, 403 and 404 will not get better by retrying thousands of calls: they become a
 * ConfigError, which stops the run with exit 2 and says what to check.
 */
function asConfigProblem(e: unknown, target: string): unknown {
  if (!(e instanceof ProviderError && e.kind === "http" && [400, 401, 403, 404].includes(e.status ?? 0))) return e;
  const hint = e.status === 401 || e.status === 403 ? " (check the API key)" : e.status === 404 ? " (check the model name and base URL)" : "";
  return new ConfigError(`${target}: ${e.message}${hint}`);
}

/** The path of every model call: cache, budget, limiter, retries, provider, accounting, cache. */
export function createCaller(deps: CallerDeps) {
  // A wrong base URL or a server that is down fails every call: say so after a few attempts instead of retrying thousands.
  let successes = 0;
  let refused = 0;
  /** `callId` names the call's place in the run (judgment key + ask or re-ask): its answer is journaled under it. */
  return async function call(target: ModelTarget, req: CompletionRequest, callId?: string): Promise<CallResult> {
    // Paid for in an earlier session whose outcome line did not make it to disk: use it, never pay again.
    const paid = callId ? deps.journal?.log.replies.get(callId) : undefined;
    if (paid) return { reply: paid.reply, cached: false, attempts: paid.attempts, costUsd: paid.costUsd };
    // The content address is hashed from the whole prompt: only worth it where something uses it.
    const key = deps.cache.enabled || deps.batcher ? requestKey(target.provider, req) : "";
    const hit = await deps.cache.get(key);
    if (hit) return { reply: hit, cached: true, attempts: 0, costUsd: 0 };
    if (deps.replay) throw new CacheMissError(`${target.id} (model ${req.model})`);
    const price = priceFor(target.model, deps.prices);
    if (deps.batcher) {
      // Held at the list price: the batch discount shows when it settles.
      const held = await deps.budget.reserve(shareOf(req, price));
      const b = await deps.batcher.request(key, target, req).catch((e: unknown) => {
        held.settle(held.share.tokens, held.share.usd);
        throw asConfigProblem(e, target.id);
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
            if (callId && deps.journal) await deps.journal.reply(callId, { reply, attempts: attempt + 1, costUsd: spent });
            return reply;
          } catch (e) {
            // A failed attempt is a call. An HTTP error answer is not billed; a timeout, a dropped
            // connection or an unreadable body may have been, so it keeps its whole share.
            if (e instanceof ProviderError && e.kind === "http") held.settle(0, 0);
            else held.settle(held.share.tokens, held.share.usd);
            if (e instanceof ProviderError && e.status === 429) limiter.rateLimited();
            if (e instanceof ProviderError && e.kind === "network" && successes === 0 && ++refused >= UNREACHABLE_AFTER) {
              throw new ConfigError(`${target.id}: ${unreachable(e)}`);
            }
            throw asConfigProblem(e, target.id);
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
  };
}

export type Caller = ReturnType<typeof createCaller>;
