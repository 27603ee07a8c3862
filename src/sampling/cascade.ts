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

/** Which units of a cascade ran which critic, per unit of one rubric. */
export interface CascadeUnits {
  /** Column of the cheap and of the expensive critic in the levels matrix. */
  cheap: number;
  expensive: number;
  /** In the seeded audit share: both critics ran whatever the cheap one said. */
  audited: readonly boolean[];
  /** The cheap critic was unsure (or abstained), so the expensive one ran. */
  escalated: readonly boolean[];
}

export interface CascadeFill {
  /** Per unit: the expensive critic's level distribution over 1..K where it did not run and the cheap one did; else null. */
  fill: (Float64Array | null)[];
  /** Audited units where the cheap critic was sure and both levels exist: what the fill is estimated on. */
  basis: number;
}

/**
 * The expensive critic's missing levels, as P(expensive = e | cheap = c, cheap was sure).
 *
 * Its labels are missing exactly where the cheap critic was sure, so they are missing not at
 * random, and the units it did judge are the hard ones: fitting its leniency there, or
 * averaging only what was observed, biases every mean towards the cheap critic wherever the two
 * differ. But the escalation rule sees only the cheap critic's reply, so given that reply the
 * expensive label is missing at random (Rubin 1976), and the audit share, a seeded random sample
 * judged by both, holds unbiased examples of exactly the missing stratum: audited units that
 * would not have escalated. The conditional distribution per cheap level is estimated there,
 * with one pseudo-observation of the pooled offset (e − c over the same units) so a cheap level
 * seen once or never on the audit still gets a sensible row.
 * @example cascadeFill(levels, { cheap: 0, expensive: 1, audited, escalated }, 7).basis
 */
export function cascadeFill(levels: ReadonlyArray<ReadonlyArray<number | null>>, units: CascadeUnits, k: number): CascadeFill {
  const counts = Array.from({ length: k }, () => new Float64Array(k));
  const offsets = new Float64Array(2 * k - 1); // e − c + (k − 1)
  let basis = 0;
  levels.forEach((row, i) => {
    const c = row[units.cheap];
    const e = row[units.expensive];
    if (!units.audited[i] || units.escalated[i] || c == null || e == null) return;
    counts[c - 1]![e - 1]++;
    offsets[e - c + k - 1]++;
    basis++;
  });
  const rows = counts.map((row, c) => {
    if (!basis) return null;
    const out = new Float64Array(k);
    let total = 0;
    for (let e = 0; e < k; e++) {
      // The pooled offset shifted to this cheap level, end levels absorbing what falls off the scale.
      out[e] = row[e]!;
      total += row[e]!;
    }
    for (let d = 0; d < offsets.length; d++) {
      const e = Math.max(0, Math.min(k - 1, c + d - (k - 1)));
      out[e] += offsets[d]! / basis;
    }
    total += 1;
    return out.map((v) => v / total);
  });
  const fill = levels.map((row, i) => {
    const c = row[units.cheap];
    if (row[units.expensive] != null || c == null || units.escalated[i] || units.audited[i]) return null;
    return rows[c - 1] ?? null;
  });
  return { fill, basis };
}
