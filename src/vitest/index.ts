/**
 * `critic/vitest`: evals as tests. Importing it registers the matchers (toScoreAtLeast,
 * toScoreAtMost, toBeNotWorseThan, toBeBetterThan) with Vitest's `expect`.
 */
export { type CompareGateBuilder, type DescribeEvalOptions, describeEval, type EvalContext, type GateBuilder, type MeanGateBuilder } from "./describe-eval.js";
export { criticMatchers, type ResultLike } from "./matchers.js";
export { describeOutcome, evaluateGates } from "../gates/evaluate.js";
export type { CompareGate, Gate, GateItem, GateOutcome, MeanGate } from "../gates/types.js";
export type { RunResult } from "../run-result.js";
