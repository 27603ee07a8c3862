/**
 * Self-preference: does a critic rate outputs of its own model family higher than critics of
 * other families rate them, beyond how it rates other outputs? (methods.md 9.1, 9.4.)
 *
 * For critic j and each output u scored by j and by at least one critic of another family,
 * r_u = level_j(u) − mean level of the other-family critics on u: j's excess over the reference
 * critics, which absorbs the output's true quality. Within each item that has outputs of both
 * kinds, d_i = mean r over own-family outputs − mean r over the other outputs; j's own leniency
 * cancels in the difference. The bonus is the mean of d_i over items, with a t interval over
 * items (each item one independent unit).
 */
import { meanCi } from "../stats/intervals.js";

export interface SelfPreferenceUnit {
  /** Item index or id; outputs of the same item are compared with each other. */
  item: string | number;
  /** The output was written by a model of the critic's family. */
  own: boolean;
  /** The critic's level; null when it abstained. */
  level: number | null;
  /** Levels of the critics of other families on the same output (nulls allowed). */
  reference: readonly (number | null)[];
}

export interface SelfPreference {
  /** Mean extra levels the critic gives its own family's outputs; null when it cannot be measured. */
  bonus: number | null;
  ci95: { lo: number; hi: number } | null;
  /** Items with outputs of both kinds that entered the estimate. */
  items: number;
}

export function selfPreference(units: readonly SelfPreferenceUnit[]): SelfPreference {
  const byItem = new Map<string | number, { own: number[]; other: number[] }>();
  for (const u of units) {
    if (u.level == null) continue;
    const ref = u.reference.filter((v): v is number => v != null);
    if (!ref.length) continue;
    const r = u.level - ref.reduce((a, b) => a + b, 0) / ref.length;
    const g = byItem.get(u.item) ?? { own: [], other: [] };
    (u.own ? g.own : g.other).push(r);
    byItem.set(u.item, g);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const d: number[] = [];
  for (const g of byItem.values()) if (g.own.length && g.other.length) d.push(mean(g.own) - mean(g.other));
  if (!d.length) return { bonus: null, ci95: null, items: 0 };
  const ci = meanCi(d);
  return { bonus: mean(d), ci95: ci ? { lo: ci.ci95[0], hi: ci.ci95[1] } : null, items: d.length };
}

const FAMILIES: [RegExp, string][] = [
  [/claude|anthropic/i, "anthropic"],
  [/(^|[/:_-])(gpt|o1|o3|o4|chatgpt|davinci|text-embedding)/i, "openai"],
  [/gemini|gemma|palm|bison/i, "google"],
  [/llama/i, "meta"],
  [/mistral|mixtral|codestral|ministral/i, "mistral"],
  [/qwen|qwq/i, "qwen"],
  [/deepseek/i, "deepseek"],
  [/command-r|cohere/i, "cohere"],
  [/(^|[/:_-])phi-?\d/i, "microsoft"],
  [/grok/i, "xai"],
];

/**
 * A model's family from its name ("gpt-4o-mini" -> openai, "meta-llama/Llama-3.1-8B" -> meta),
 * or null when the name says nothing; declare `family` in the config for those.
 */
export function modelFamily(name: string): string | null {
  for (const [re, family] of FAMILIES) if (re.test(name)) return family;
  return null;
}
