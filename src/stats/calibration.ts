/**
 * Critic-versus-human calibration (methods.md section 7): how far one critic's levels are
 * from human gold on the same items, and how much several critics agree with each other.
 */
import {
  type AlphaLevel,
  type Confusion,
  cohenKappa,
  confusionMatrix,
  exactAgreement,
  kendallTauB,
  krippendorffAlpha,
  mae,
  pairs,
  pearson,
  spearman,
  withinOneAgreement,
} from "./agreement.js";
import type { Maybe } from "./intervals.js";

export interface Calibration {
  /** Items with both a critic level and a gold label. */
  n: number;
  mae: number | null;
  exact: number | null;
  withinOne: number | null;
  /** Quadratic-weighted Cohen's kappa. */
  qwk: number | null;
  /** Linear (Pearson) correlation, beside the rank correlations. */
  pearson: number | null;
  spearman: number | null;
  kendallTauB: number | null;
  confusion: Confusion;
}

export interface CalibrateOptions {
  /**
   * K for a 1..K scale: the confusion matrix and kappa then use every level, including
   * ones nobody chose. Default: the levels that occur.
   */
  scale?: number;
}

/**
 * Compare one critic's levels with human gold for the same items (null where missing).
 * Rows of the confusion matrix are the critic, columns the gold.
 *
 * @example
 * calibrate([7, 6, 5, null], [7, 5, 5, 4], { scale: 7 });
 * // { n: 3, mae: 0.333, exact: 0.667, withinOne: 1, qwk: ..., spearman: 0.866, ... }
 */
export function calibrate(critic: ArrayLike<Maybe>, gold: ArrayLike<Maybe>, opts: CalibrateOptions = {}): Calibration {
  const levels = opts.scale === undefined ? undefined : Array.from({ length: opts.scale }, (_, i) => i + 1);
  return {
    n: pairs(critic, gold).x.length,
    mae: mae(critic, gold),
    exact: exactAgreement(critic, gold),
    withinOne: withinOneAgreement(critic, gold),
    qwk: cohenKappa(critic, gold, { weights: "quadratic", levels }),
    pearson: pearson(critic, gold),
    spearman: spearman(critic, gold),
    kendallTauB: kendallTauB(critic, gold),
    confusion: confusionMatrix(critic, gold, levels),
  };
}

/**
 * Krippendorff's alpha among several critics: `levels[critic][item]`, null where a critic
 * abstained or did not judge the item.
 *
 * @example
 * criticAlpha([[7, 6, 5], [7, 5, 5], [6, 6, null]]); // ordinal alpha
 */
export function criticAlpha(levels: ReadonlyArray<ArrayLike<Maybe>>, level: AlphaLevel = "ordinal"): number | null {
  return krippendorffAlpha(levels, level);
}

/** MAE on a 1..K scale expressed in levels of a 7-point scale: MAE / (K − 1) · 6. */
export function maeOnSevenPoints(maeValue: number, scale: number): number {
  return (maeValue / (scale - 1)) * 6;
}

/**
 * One sentence placing a critic's MAE next to the reference that a well-prompted strong
 * critic, like a trained human rater, is about one level off on a 7-point scale.
 *
 * @example
 * maeSentence(0.8, 7, "gpt-4.1"); // "gpt-4.1 is 0.80 levels off on average, within the ~1 level typical of trained human raters on a 7-point scale."
 */
export function maeSentence(maeValue: number | null, scale = 7, name = "The critic"): string {
  if (maeValue === null) return `${name}: MAE n/a (no item has both a critic level and a gold label).`;
  const seven = maeOnSevenPoints(maeValue, scale);
  const off = scale === 7 ? `${maeValue.toFixed(2)} levels off on average` : `${maeValue.toFixed(2)} levels off on average on the ${scale}-point scale (${seven.toFixed(2)} on a 7-point scale)`;
  let verdict: string;
  if (seven <= 1) verdict = "within the ~1 level typical of trained human raters on a 7-point scale";
  else if (seven <= 1.5) verdict = "somewhat further off than the ~1 level typical of trained human raters on a 7-point scale";
  else verdict = "well beyond the ~1 level typical of trained human raters on a 7-point scale; treat its scores as weak evidence";
  return `${name} is ${off}, ${verdict}.`;
}
