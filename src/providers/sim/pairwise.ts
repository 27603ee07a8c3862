import { unit } from "./hash.js";
import type { SimModel } from "./models.js";

/**
 * How simulated critic `c` answers "which is better, A or B?" about outputs of true levels
 * `first` (shown as A) and `second` (shown as B): A with probability
 * logistic(1.6 (first − second) + positionBias). Pure in (seed, critic, promptKey, sample).
 */
export function pairwiseVerdict(seed: number | string, c: SimModel, promptKey: string, first: number, second: number, sample = 0): "A" | "B" {
  const logit = 1.6 * (first - second) + (c.positionBias ?? 0);
  const pFirst = 1 / (1 + Math.exp(-logit));
  return unit(seed, "pairwise", c.name, promptKey, sample) < pFirst ? "A" : "B";
}
