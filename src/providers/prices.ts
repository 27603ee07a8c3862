import type { Price } from "../config/schema.js";

/**
 * Dollars per million tokens for common models (list prices; a config's `prices` extends
 * or overrides this). A model not listed has an unknown cost, reported as n/a, never 0.
 */
export const PRICES: Record<string, Price> = {
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "gpt-5.1": { input: 1.25, output: 10 },
  "gpt-5-chat-latest": { input: 1.25, output: 10 },
  "o4-mini": { input: 1.1, output: 4.4 },
  "o3": { input: 2, output: 8 },
  "o3-mini": { input: 1.1, output: 4.4 },
  "o1": { input: 15, output: 60 },
  "claude-3-5-haiku-latest": { input: 0.8, output: 4 },
  "claude-3-5-sonnet-latest": { input: 3, output: 15 },
  "claude-3-7-sonnet-latest": { input: 3, output: 15 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-sonnet-4-0": { input: 3, output: 15 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-opus-4-1": { input: 15, output: 75 },
  // The simulator's models are priced like small hosted models so the demo shows realistic dollars.
  "sim-critic-strong": { input: 0.4, output: 1.6 },
  "sim-critic-fast": { input: 0.1, output: 0.4 },
  "sim-critic-lenient": { input: 0.15, output: 0.6 },
  "sim-small": { input: 0.1, output: 0.4 },
  "sim-medium": { input: 0.4, output: 1.6 },
  "sim-large": { input: 2, output: 8 },
};

/** Batch APIs (OpenAI Batch, Anthropic Message Batches) bill at half the list price. */
export const BATCH_DISCOUNT = 0.5;

/**
 * The names a model's price may be listed under, most specific first: as given; without a
 * `vendor/` route prefix (LiteLLM, OpenRouter, vLLM); without a dated snapshot suffix
 * (`gpt-4o-mini-2024-07-18`, `claude-3-5-haiku-20241022`, `gpt-3.5-turbo-0125`); and that
 * family's `-latest` alias, under which Anthropic's older models are listed.
 */
export function priceNames(model: string): string[] {
  const bare = model.slice(model.lastIndexOf("/") + 1);
  const family = bare.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/, "").replace(/-latest$/, "");
  return [...new Set([model, bare, family, `${family}-latest`])];
}

export function priceFor(model: string, extra?: Record<string, Price>): Price | null {
  for (const name of priceNames(model)) {
    const p = extra?.[name] ?? PRICES[name];
    if (p) return p;
  }
  return null;
}

/** Dollars for one call; null when the price or the token counts are unknown. */
export function costUsd(price: Price | null, inputTokens: number | null, outputTokens: number | null): number | null {
  if (!price || inputTokens == null || outputTokens == null) return null;
  return (inputTokens * price.input + outputTokens * price.output) / 1e6;
}

/** The config's prices plus each provider's own, the latter under `provider:model` so they apply to that provider only. */
export function withProviderPrices(prices: Record<string, Price>, providers: Record<string, { prices?: Record<string, Price> }>): Record<string, Price> {
  const out = { ...prices };
  for (const [name, p] of Object.entries(providers)) for (const [model, price] of Object.entries(p.prices ?? {})) out[`${name}:${model}`] = price;
  return out;
}

/** A target's price: its provider's own first, then the config's and the table's by model name. */
export function targetPrice(t: { provider: string; model: string }, prices: Record<string, Price>): Price | null {
  return priceFor(`${t.provider}:${t.model}`, prices) ?? priceFor(t.model, prices);
}
