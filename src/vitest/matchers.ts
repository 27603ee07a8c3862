/**
 * Matchers for ad-hoc checks on a RunResult, decided exactly like gates (on 95% intervals).
 * Registered with `expect.extend` when `critic/vitest` is imported.
 */
// The bare import stays in the emitted matchers.d.ts: without it, the `declare module "vitest"`
// below is not anchored to the user's vitest and their tsc does not see the matchers.
import "vitest";
import { expect } from "vitest";
import { describeOutcome, evaluateGates } from "../gates/evaluate.js";
import type { Gate } from "../gates/types.js";
import type { RunResult } from "../run-result.js";

/** A RunResult, or anything carrying one (`ctx` of describeEval, the value runSuite returns). */
export type ResultLike = RunResult | { result: RunResult };

function asResult(received: unknown): RunResult | null {
  if (received && typeof received === "object") {
    if ("cells" in received && "pairwise" in received) return received as RunResult;
    if ("result" in received) return asResult((received as { result: unknown }).result);
  }
  return null;
}

function check(this: { isNot: boolean }, received: unknown, gate: Gate) {
  const r = asResult(received);
  if (!r) return { pass: false, message: () => "expected a critic RunResult (or an object with `result`), e.g. the `result` of describeEval's context" };
  const [o] = evaluateGates(r, [gate]);
  return { pass: o.pass, message: () => (this.isNot ? `expected the gate to fail, but it passed:\n${describeOutcome(o)}` : describeOutcome(o)), actual: o.estimate, expected: o.threshold };
}

export const criticMatchers = {
  /** The lower bound of the 95% interval of the candidate's mean on the rubric is at least `threshold`. */
  toScoreAtLeast(this: { isNot: boolean }, received: unknown, candidate: string, rubric: string, threshold: number) {
    return check.call(this, received, { type: "mean", candidate, rubric, atLeast: threshold });
  },
  /** The upper bound of the 95% interval of the candidate's mean on the rubric is at most `threshold`. */
  toScoreAtMost(this: { isNot: boolean }, received: unknown, candidate: string, rubric: string, threshold: number) {
    return check.call(this, received, { type: "mean", candidate, rubric, atMost: threshold });
  },
  /** Non-inferiority: the lower bound of the paired difference candidate − baseline is above −margin. */
  toBeNotWorseThan(this: { isNot: boolean }, received: unknown, candidate: string, baseline: string, rubric: string, margin: number) {
    return check.call(this, received, { type: "compare", candidate, baseline, rubric, notWorseBy: margin });
  },
  /** Superiority: the lower bound of the paired difference candidate − baseline is above `margin` (default 0). */
  toBeBetterThan(this: { isNot: boolean }, received: unknown, candidate: string, baseline: string, rubric: string, margin = 0) {
    return check.call(this, received, { type: "compare", candidate, baseline, rubric, betterBy: margin });
  },
};

expect.extend(criticMatchers);

declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: the type parameter must match vitest's own declaration to merge.
  interface Assertion<T = any> {
    /** `expect(result).toScoreAtLeast("v2", "politeness", 5.5)`: lower 95% bound of the mean ≥ 5.5. */
    toScoreAtLeast(candidate: string, rubric: string, threshold: number): void;
    /** `expect(result).toScoreAtMost("v2", "verbosity", 3)`: upper 95% bound of the mean ≤ 3. */
    toScoreAtMost(candidate: string, rubric: string, threshold: number): void;
    /** `expect(result).toBeNotWorseThan("v2", "v1", "accuracy", 0.2)`: lower 95% bound of v2 − v1 > −0.2. */
    toBeNotWorseThan(candidate: string, baseline: string, rubric: string, margin: number): void;
    /** `expect(result).toBeBetterThan("v2", "v1", "accuracy")`: lower 95% bound of v2 − v1 > margin (default 0). */
    toBeBetterThan(candidate: string, baseline: string, rubric: string, margin?: number): void;
  }
}
