import { gauss, h53 } from "./hash.js";
import { generateOutput } from "./generate.js";
import { qualityOf, type SimModel } from "./models.js";

/** Spread of item difficulty, of the per-(item, rubric) effect and of the per-(model, item, rubric) noise, in levels. */
const ITEM_SD = 0.8;
const ITEM_RUBRIC_SD = 0.3;
const NOISE_SD = 0.45;

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

/** Hidden difficulty of an item (its input text), in levels; positive = harder. */
export function itemDifficulty(seed: number | string, input: string): number {
  return clamp(ITEM_SD * gauss(seed, "item", input), -2.2, 2.2);
}

/**
 * Hidden true level of what model `m` writes for `input`, on `rubric`:
 * clamp(round(quality(m, rubric) - difficulty(item) - itemRubricEffect + noise), 1, 7). Pure.
 * @example trueLevel(1, DEFAULT_SIM_MODELS[5], "Why is the sky blue?", "accuracy") // -> 6 (say)
 */
export function trueLevel(seed: number | string, m: SimModel, input: string, rubric: string): number {
  const x =
    qualityOf(m, rubric) -
    itemDifficulty(seed, input) -
    ITEM_RUBRIC_SD * gauss(seed, "item-rubric", rubric, input) +
    NOISE_SD * gauss(seed, "noise", m.name, rubric, input);
  return clamp(Math.round(x), 1, 7);
}

/** Truth of a text no simulated model wrote: around 4.5, a little higher for longer, more detailed texts. */
export function fallbackLevel(seed: number | string, rubric: string, output: string): number {
  const detail = Math.min(1, output.length / 2000);
  return clamp(Math.round(4.2 + 0.6 * detail + 1.1 * gauss(seed, "fallback", rubric, output)), 1, 7);
}

export interface RatedText {
  rubric: string;
  input: string | null;
  output: string;
}

export interface Truth {
  level: number;
  /** The simulated model that wrote the output, or null when the fallback decided. */
  model: string | null;
}

/**
 * The hidden truth for a rated text: if the output is exactly what some simulated model writes
 * for the input, that model's true level; otherwise the deterministic fallback. Pure.
 * `known` lets a caller that remembers generations (the server) trace outputs whose input the
 * critic prompt does not show.
 */
export function truthFor(
  seed: number | string,
  models: readonly SimModel[],
  t: RatedText,
  known?: (output: string) => { model: SimModel; input: string } | undefined,
): Truth {
  const hit = known?.(t.output);
  if (hit) return { level: trueLevel(seed, hit.model, hit.input, t.rubric), model: hit.model.name };
  if (t.input != null) {
    for (const m of models) {
      if (generateOutput(seed, m, t.input) === t.output) return { level: trueLevel(seed, m, t.input, t.rubric), model: m.name };
    }
  }
  return { level: fallbackLevel(seed, t.rubric, t.output), model: null };
}

/** Item id used in stats and tests: a stable key of (seed, input). */
export function itemKey(seed: number | string, input: string): string {
  return h53(`${seed}\u241f${input}`).toString(16);
}
