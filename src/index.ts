export type { RunResult } from "./run-result.js";
export { evaluateGates } from "./gates/evaluate.js";
export type { CompareGate, Gate, GateItem, GateOutcome, MeanGate } from "./gates/types.js";
