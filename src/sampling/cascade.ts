/**
 * Cascade escalation: a cheap critic judges every item first, and the expensive critic is
 * called only where the cheap one is unsure, so expensive calls go where they can change a label.
 */

export interface EscalationInput {
  /** The cheap critic's level, or null when it abstained (unparseable or refused). */
  cheapLevel: number | null;
  /** Its probability over levels 1..K (e.g. from logprobs), when available. */
  cheapDistribution?: ArrayLike<number> | null;
  /** Escalate when the distribution's largest probability is below this. */
  threshold: number;
  /**
   * Without a distribution: escalate when the level lies in this inclusive band, the levels
   * next to a decision boundary (e.g. [4, 5] when "pass" means ≥ 5). Omitted = never.
   */
  band?: readonly [number, number];
}

/**
 * Whether to call the expensive critic for one item.
 *
 * @example
 * needsEscalation({ cheapLevel: null, threshold: 0.6 }); // true: abstained
 * needsEscalation({ cheapLevel: 5, cheapDistribution: [0, 0, 0, 0.3, 0.5, 0.2, 0], threshold: 0.6 }); // true
 * needsEscalation({ cheapLevel: 5, threshold: 0.6, band: [4, 5] }); // true
 */
export function needsEscalation(input: EscalationInput): boolean {
  if (input.cheapLevel === null) return true;
  // An all-zero distribution has confidence 0, so it escalates.
  const confidence = confidenceOf(input.cheapDistribution);
  if (confidence !== null) return confidence < input.threshold;
  const band = input.band;
  return band !== undefined && input.cheapLevel >= band[0] && input.cheapLevel <= band[1];
}

/** The largest probability of a level distribution (normalised), or null when there is none. */
export function confidenceOf(dist: ArrayLike<number> | null | undefined): number | null {
  if (!dist || dist.length === 0) return null;
  let max = 0;
  let total = 0;
  for (let i = 0; i < dist.length; i++) {
    max = Math.max(max, dist[i]);
    total += dist[i];
  }
  return total > 0 ? max / total : 0;
}

/**
 * The escalation threshold that keeps expensive calls within `share` of items on a pilot:
 * abstentions (null) always escalate, then the least confident items up to the budget.
 * Items escalate when their confidence is strictly below the returned value.
 *
 * @example
 * thresholdForBudget([0.9, 0.3, null, 0.5, 0.8], 0.4); // 0.5: escalates the null and 0.3
 */
export function thresholdForBudget(confidences: ReadonlyArray<number | null>, share: number): number {
  const present = confidences.filter((c): c is number => c !== null).sort((a, b) => a - b);
  const allowed = Math.floor(share * confidences.length) - (confidences.length - present.length);
  if (allowed <= 0 || present.length === 0) return 0;
  if (allowed >= present.length) return Number.POSITIVE_INFINITY;
  return present[allowed];
}
