import type { Suite } from "../config/load.js";
import { ShapeBook } from "../providers/shapes.js";
import { ResponseCache } from "../store/cache.js";
import { Budget } from "./budget.js";
import { type Caller, createCaller } from "./call.js";
import { buildLimiters, buildProviders, cacheScopes } from "./providers.js";
import { DEFAULT_RETRY } from "./retry.js";

/**
 * A caller for calls made outside a run's judging (the position audit, explanations): the same
 * providers (named endpoints included), cache, retries, limits and prices, so a repeated call is
 * paid for once.
 */
export function standaloneCaller(suite: Suite, opts: { signal: AbortSignal; noCache?: boolean; replay?: boolean }): Caller {
  return createCaller({
    shapes: new ShapeBook(),
    cacheScopes: cacheScopes(suite),
    providers: buildProviders(suite),
    limiters: buildLimiters(suite),
    cache: new ResponseCache(suite.cacheDir, !opts.noCache),
    budget: new Budget(suite.budget),
    retry: { ...DEFAULT_RETRY, maxRetries: suite.maxRetries },
    prices: suite.prices,
    signal: opts.signal,
    replay: opts.replay,
  });
}
