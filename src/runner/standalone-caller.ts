import type { Suite } from "../config/load.js";
import { anthropicProvider } from "../providers/anthropic.js";
import { openaiProvider } from "../providers/openai.js";
import { ShapeBook } from "../providers/shapes.js";
import { ResponseCache } from "../store/cache.js";
import { Budget } from "./budget.js";
import { type Caller, createCaller } from "./call.js";
import { Limiter } from "./limiter.js";
import { DEFAULT_RETRY } from "./retry.js";

/**
 * A caller for calls made outside a run's judging (the position audit, explanations): the same
 * cache, retries, limits and prices, so a repeated call is paid for once.
 */
export function standaloneCaller(suite: Suite, opts: { signal: AbortSignal; noCache?: boolean; replay?: boolean }): Caller {
  return createCaller({
    shapes: new ShapeBook(),
    providers: {
      openai: openaiProvider({ ...suite.providers.openai, timeoutMs: suite.timeoutMs }),
      anthropic: anthropicProvider({ ...suite.providers.anthropic, timeoutMs: suite.timeoutMs }),
    },
    limiters: { openai: new Limiter(suite.providers.openai.concurrency), anthropic: new Limiter(suite.providers.anthropic.concurrency) },
    cache: new ResponseCache(suite.cacheDir, !opts.noCache),
    budget: new Budget(suite.budget),
    retry: { ...DEFAULT_RETRY, maxRetries: suite.maxRetries },
    prices: suite.prices,
    signal: opts.signal,
    replay: opts.replay,
  });
}
