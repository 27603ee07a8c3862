/**
 * Quality gates: statistical pass/fail rules decided on 95% intervals, never on a point
 * estimate alone, so a gate does not flip on noise.
 */
import type { Interval } from "../run-result.js";

/**
 * A bound on one candidate's mean score on one rubric.
 * - `atLeast: x` passes when the lower bound of the mean's 95% interval is >= x.
 * - `atMost: x` passes when the upper bound of the mean's 95% interval is <= x.
 */
export interface MeanGate {
  type: "mean";
  candidate: string;
  rubric: string;
  atLeast?: number;
  atMost?: number;
  /**
   * Which scale the threshold is on: "critic" (default), the critics' estimates fitted without
   * gold; "human", the PPI++ estimate rectified by the gold labels (needs ≥ 10 of them).
   */
  scale?: "critic" | "human";
  /** Shown instead of the generated name. */
  name?: string;
}

/**
 * A paired comparison d = candidate − baseline (mean over items both have, 95% interval).
 * - `notWorseBy: m` (non-inferiority) passes when the interval's lower bound is > −m.
 * - `betterBy: m` (superiority; m = 0 means "better at all") passes when the lower bound is > m.
 */
export interface CompareGate {
  type: "compare";
  candidate: string;
  baseline: string;
  rubric: string;
  notWorseBy?: number;
  betterBy?: number;
  name?: string;
}

export type Gate = MeanGate | CompareGate;

/** One item behind a gate's estimate, worst first. */
export interface GateItem {
  item: string;
  /** The candidate's aggregate score on this item. */
  score: number | null;
  /** The baseline's score (compare gates only). */
  baseline: number | null;
  /** score − baseline (compare gates only). */
  diff: number | null;
  outputPreview: string;
}

export interface GateOutcome {
  gate: Gate;
  /** e.g. `mean(v2, politeness) ≥ 5.5` or `v2 − v1 on accuracy not worse by 0.2`. */
  name: string;
  pass: boolean;
  /**
   * "cannot tell" when the data cannot decide the gate either way: no interval, fewer than
   * MIN_GATE_ITEMS items, or an interval of zero width (an estimate treated as certain).
   * It never passes.
   */
  verdict?: "pass" | "fail" | "cannot tell";
  /** Mean score, or mean paired difference; null when there is no data. */
  estimate: number | null;
  /** 95% interval of the estimate; null when it cannot be computed (n < 2). */
  interval: Interval | null;
  /** The value the deciding bound is checked against (−m for notWorseBy). */
  threshold: number;
  /** Which bound decides, and how: "lower ≥", "upper ≤", "lower >". */
  rule: "lower>=" | "upper<=" | "lower>";
  /** Items (or item pairs) behind the estimate. */
  n: number;
  /** The scale of the estimate and threshold. */
  scale?: "critic" | "human";
  /**
   * Family-wise correction over the suite's gates, when asked for: the one-sided p-value of
   * the gate's claim and the Holm level it had to meet (α = 0.025, the one-sided level of a
   * 95% interval's bound).
   */
  familywise?: { method: "holm"; p: number; level: number; gates: number };
  /** One sentence: the estimate, its interval, the threshold and the verdict. */
  message: string;
  /** Up to five items pulling the estimate the wrong way, worst first. */
  worst: GateItem[];
}
