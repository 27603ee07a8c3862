import type { ProviderKind, Suite } from "../config/load.js";
import type { Provider } from "../providers/provider.js";
import { Limiter } from "./limiter.js";

/** Each SDK is loaded on its provider's first call: loading one a suite does not use costs every run start a second of CPU on a busy machine. */
function lazyProvider(kind: ProviderKind, load: () => Promise<Provider>): Provider {
  let p: Promise<Provider> | null = null;
  return {
    kind,
    complete: async (req, signal) => {
      p ??= load();
      return (await p).complete(req, signal);
    },
  };
}

/** One client per provider the suite names (openai, anthropic and every named endpoint), each built on first use. */
export function buildProviders(suite: Suite): Record<ProviderKind, Provider> {
  const out: Record<ProviderKind, Provider> = {};
  for (const [name, p] of Object.entries(suite.providers)) {
    const opts = { baseURL: p.baseURL, apiKey: p.apiKey, headers: p.headers, timeoutMs: suite.timeoutMs };
    out[name] =
      p.type === "anthropic"
        ? lazyProvider(name, async () => (await import("../providers/anthropic.js")).anthropicProvider(opts))
        : lazyProvider(name, async () => (await import("../providers/openai.js")).openaiProvider({ ...opts, ...(p.type === "azure-openai" ? { azureApiVersion: p.apiVersion } : {}) }));
  }
  return out;
}

/** One concurrency limit per provider, at its configured concurrency. */
export function buildLimiters(suite: Suite): Record<ProviderKind, Limiter> {
  return Object.fromEntries(Object.entries(suite.providers).map(([name, p]) => [name, new Limiter(p.concurrency)]));
}

/** The cache scope of each provider: the endpoint is part of a named provider's key. */
export function cacheScopes(suite: Suite): Record<ProviderKind, string> {
  return Object.fromEntries(Object.entries(suite.providers).map(([name, p]) => [name, p.cacheScope ?? (name === "openai" || name === "anthropic" ? name : `${name}@${p.baseURL ?? ""}`)]));
}
